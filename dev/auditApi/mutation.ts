// The mutate fault: once, right after the page it names, the store changes under the client's feet.
// `remove` events the client could see are removed, spread evenly over that request's positions, and
// `insert` new events appear at instants spread evenly over its [minDate, maxDate). What changed is
// recorded (changes.ts) so tests can compute the ground truth.
import { generatedId, insertedId } from './eventIds';
import { extraOrder, type ExtraEvent } from './extraEvent';
import { hash32 } from './random';
import type { EventStream } from './stream';
import type { Lateness } from './visibility';

const SALT_BODY = 0x1b0d;

export function mutate(
  stream: EventStream, counts: { insert: number; remove: number }, range: { minMs: number; maxMs: number }, nowMs: number, late: Lateness | undefined,
): void {
  const t = stream.timeline;
  // Removals first, so no inserted event is removed. Without duplicates, one position is one event.
  const view = stream.view(range.minMs, range.maxMs, nowMs, late);
  const n = Math.min(counts.remove, view.count);
  const removed = { generated: [] as number[], extraIds: [] as string[], ids: [] as string[] };
  for (let k = 0; k < n; k++) {
    const c = view.cursor(Math.floor(((k + 0.5) * view.count) / n));
    c.next();
    const id = c.extra ? c.extra.id : generatedId(t.key, c.index);
    if (c.extra) removed.extraIds.push(id);
    else removed.generated.push(c.index);
    removed.ids.push(id);
  }
  // An inserted event arrives now: visible at once unless its own time is still ahead.
  const inserted: ExtraEvent[] = [];
  const span = range.maxMs - range.minMs;
  for (let k = 0; span > 0 && k < counts.insert; k++) {
    const eventMs = range.minMs + Math.floor(((k + 0.5) * span) / counts.insert);
    const receivedMs = Math.max(eventMs, nowMs);
    const id = insertedId(t.key, k);
    const json = stream.renderer.json(hash32(t.key, k, SALT_BODY), eventMs, receivedMs, id);
    inserted.push({ json, id, eventMs, visibleMs: receivedMs, rank: t.rankOf({ eventMs, id }) });
  }
  stream.changes.record(range, inserted.sort(extraOrder), removed);
}
