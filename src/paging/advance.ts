import { idOf, type AuditPage, type PageRequest } from '../ports/auditSource';
import type { Position } from './position';
import { DUPLICATE, NEW, type SortedAnswer } from './sortAnswer';

/**
 * Where the window stands once the events of an answer before `upto` are handled (those NEW written, DUPLICATE
 * counted). After a whole answer (`upto` = its length) whose events did not move past `at` (more events at one
 * instant than one answer holds), the next request skips them all; otherwise it asks again from just before `at`.
 */
export function advance(position: Position, page: AuditPage, sorted: SortedAnswer, upto: number, request: PageRequest): Position {
  let { at, written, dropped } = position;
  let ids = new Map(position.ids);
  for (let i = 0; i < Math.min(upto, sorted.end); i++) {
    const kind = sorted.kinds[i];
    if (kind === NEW) {
      const t = page.eventTimes[i]!;
      if (t !== at) (at = t), (ids = new Map());
      ids.set(idOf(page, i), 1);
      written++;
    } else if (kind === DUPLICATE) {
      const id = idOf(page, i);
      ids.set(id, (ids.get(id) ?? 1) + 1);
      dropped++;
    }
  }
  const before = position.before ?? sorted.before;
  if (at !== position.at) return { from: at - 1, skip: 0, at, ids, written, dropped, before };
  // Offsets count from the request's minDate: they carry over only to requests from the same one.
  const whole = upto >= page.eventTimes.length && request.from.getTime() === position.from;
  return { from: position.from, skip: whole ? request.offset + page.eventTimes.length : position.skip, at, ids, written, dropped, before };
}
