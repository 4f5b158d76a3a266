// The `unreadable` fault: every Nth generated event is served in a form no client can place in time order (a leap
// second, a numeric id, a time without a zone, no time at all), the kinds taken in turn. Its place in the order is
// still its real time, as an API that stores one thing and renders another would serve it.
import type { UnreadableKind } from './types';

export const UNREADABLE_KINDS: readonly UnreadableKind[] = ['leap-second', 'numeric-id', 'no-zone', 'no-time'];

/** Event `index`'s JSON as served: changed if it is one of every `every`th. */
export function unreadableJson(json: string, index: number, u: { every: number; kinds?: UnreadableKind[] }): string {
  if (index % u.every !== u.every - 1) return json;
  const kinds = u.kinds?.length ? u.kinds : UNREADABLE_KINDS;
  const kind = kinds[Math.floor(index / u.every) % kinds.length]!;
  const event = JSON.parse(json) as Record<string, unknown>;
  const key = 'eventTimestamp' in event ? 'eventTimestamp' : 'dateTime';
  if (kind === 'numeric-id') return JSON.stringify({ ...event, id: index });
  if (kind === 'no-time') {
    const { [key]: _gone, ...rest } = event;
    return JSON.stringify(rest);
  }
  const iso = key === 'eventTimestamp' ? String(event[key]) : new Date(Number(event[key])).toISOString();
  // Legacy records carry epoch ms: the ISO text itself stands where a number belongs.
  const time = kind === 'leap-second' ? iso.replace(/:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/, ':60$2') : iso.replace(/(Z|[+-]\d\d:\d\d)$/, '');
  return JSON.stringify({ ...event, [key]: time });
}
