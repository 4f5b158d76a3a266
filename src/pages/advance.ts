import { idOf, type AuditPage } from '../ndjson/auditPage';
import type { PageRequest } from '../ports/auditSource';
import type { Position } from './position';
import { DUPLICATE, NEW, QUARANTINE, type SortedAnswer } from './sortAnswer';

/**
 * Where the window stands once the events of an answer before `upto` are handled (those NEW written, DUPLICATE
 * counted). After a whole answer (`upto` = its length) whose events did not move past `at` (more events at one
 * instant than one answer holds), the next request skips them all; otherwise it asks again from just before `at`.
 */
export function advance(position: Position, page: AuditPage, sorted: SortedAnswer, upto: number, request: PageRequest): Position {
  const stop = Math.min(upto, sorted.end);
  let written = position.written;
  let dropped = position.dropped;
  let last = -1; // the last event written
  for (let i = 0; i < stop; i++) {
    const kind = sorted.kinds[i];
    if (kind === NEW) {
      written++;
      last = i;
    } else if (kind === DUPLICATE) dropped++;
  }
  const at = last < 0 ? position.at : page.eventTimes[last]!;
  // Only the ids at the instant reached are kept: those written there before this answer, and this answer's.
  const ids = new Map(at === position.at ? position.ids : []);
  if (last >= 0) {
    let k = last;
    // Events that cannot be placed are no part of any instant: they neither end it nor join it.
    while (k > 0 && (page.eventTimes[k - 1] === at || sorted.kinds[k - 1] === QUARANTINE)) k--;
    for (let i = k; i < stop; i++) {
      const kind = sorted.kinds[i];
      if (kind === QUARANTINE) continue;
      if (page.eventTimes[i] !== at) break;
      if (kind === NEW) ids.set(idOf(page, i), 1);
      else if (kind === DUPLICATE) {
        const id = idOf(page, i);
        ids.set(id, (ids.get(id) ?? 1) + 1);
      }
    }
  } else {
    for (let i = 0; i < stop; i++) {
      if (page.eventTimes[i] !== at || sorted.kinds[i] !== DUPLICATE) continue;
      const id = idOf(page, i);
      ids.set(id, (ids.get(id) ?? 1) + 1);
    }
  }
  const before = position.before ?? sorted.before;
  if (at !== position.at) return { from: at - 1, skip: 0, at, ids, written, dropped, before };
  // Offsets count from the request's minDate: they carry over only to requests from the same one.
  const whole = upto >= page.eventTimes.length && request.from.getTime() === position.from;
  return { from: position.from, skip: whole ? request.offset + page.eventTimes.length : position.skip, at, ids, written, dropped, before };
}
