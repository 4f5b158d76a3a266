// An event the caller supplied (options.extraEvents, or one the mutate fault inserts), served among the generated
// ones, and the order extras are served in.

export interface ExtraEvent {
  /** Exactly what the API serves: JSON.stringify of the caller's object. */
  json: string;
  id: string;
  eventMs: number;
  /** When it becomes visible: its own receivedTimestamp if it has a valid one, else its eventTimestamp. */
  visibleMs: number;
  /** How many generated events sort before it, i.e. the generated index it precedes. */
  rank: number;
}

/** (eventMs, id) order, the order extras are served in. */
export function extraOrder(a: ExtraEvent, b: ExtraEvent): number {
  return a.eventMs - b.eventMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Two lists already in extraOrder, merged. */
export function mergeExtras(a: readonly ExtraEvent[], b: readonly ExtraEvent[]): ExtraEvent[] {
  const out: ExtraEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && extraOrder(a[i], b[j]) <= 0) ? a[i++] : b[j++]);
  return out;
}
