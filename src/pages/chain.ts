import { idOf, type AuditPage } from '../ndjson/auditPage';

/** What a page asked for ahead must match in the page before it: its last event, and the ids at that instant. */
export interface Tail {
  id: string;
  time: number;
  /** Ids of the events at `time` that end the page; undefined if they fill it (the instant may begin before it). */
  group: Set<string> | undefined;
}

/** The tail of a full page, taken before its memory is handed back. */
export function tailOf(page: AuditPage, size: number): Tail | undefined {
  const n = page.eventTimes.length;
  if (n < size || n === 0) return undefined;
  const time = page.eventTimes[n - 1]!;
  let k = n - 1;
  while (k > 0 && page.eventTimes[k - 1] === time) k--;
  let group: Set<string> | undefined = k === 0 ? undefined : new Set<string>();
  for (let i = k; group && i < n; i++) group.add(idOf(page, i));
  // A copy of an id inside the instant makes the counting below unsound: leave such a boundary to keyset paging.
  if (group && group.size !== n - k) group = undefined;
  return { id: idOf(page, n - 1), time, group };
}

/**
 * Whether a page asked for by offset continues the page before it (one event of overlap): its first event is that
 * page's last, so nothing was inserted or removed before it in between; and the events at that instant are all
 * seen. An API that orders equal times differently on each request can show other events of one instant on either
 * side of the boundary: then the union of the ids at that instant must be exactly as large as the two views say the
 * instant is. Anything else is asked again by time.
 */
export function continuesChain(tail: Tail | undefined, page: AuditPage): boolean {
  const n = page.eventTimes.length;
  if (!tail || !tail.group || n === 0 || page.eventTimes[0] !== tail.time || idOf(page, 0) !== tail.id) return false;
  let g = 1;
  while (g < n && page.eventTimes[g] === tail.time) g++;
  if (g === 1) return true; // the instant ends at the overlap in both views, so the page before held all of it
  // The instant must end inside this page to know how large it is.
  if (g === n) return false;
  const head = new Set<string>();
  for (let i = 0; i < g; i++) head.add(idOf(page, i));
  if (head.size !== g) return false;
  const seen = new Set([...tail.group, ...head]);
  return seen.size === tail.group.size + g - 1;
}
