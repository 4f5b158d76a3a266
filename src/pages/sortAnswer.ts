import { ExportError } from '../errors';
import { idOf, type AuditPage } from '../ndjson/auditPage';
import { whereOf, type PageRequest } from '../ports/auditSource';
import type { Window } from '../time/window';
import { isFresh, type Position } from './position';

/** What each event of an answer is to the window: to be written, already written, or another copy of one. */
export const NEW = 0;
export const KNOWN = 1;
export const DUPLICATE = 2;

export interface SortedAnswer {
  /** NEW, KNOWN or DUPLICATE for each event before `end`. */
  kinds: Uint8Array;
  /** The first event at or after the window's end (the answer's length if none): it and all after it are not ours. */
  end: number;
  fresh: number;
  /**
   * The window is complete, proven by the events themselves: the answer reached an event at or past its end (within
   * the range asked), or is empty. Never by `count` (it may be capped or off), nor by a short answer (a page cap is
   * not announced).
   */
  done: boolean;
  /** Events exactly at the window's end in this answer (an inclusive maxDate counts them with the window). */
  atEnd: number;
  /** The answer holds an event later than the maxDate asked: the API does not keep to it, so its count cannot be placed. */
  pastMaxDate: boolean;
  /** Events before the window's start at the head of a fresh window's first answer, when that can be known. */
  before: number | undefined;
}

/**
 * Sorts an answer's events against where the window stands. Checks what every later step relies on: each time is
 * a valid instant, in time order, not before what was asked; an answer that breaks this is refused whole.
 */
export function sortAnswer(position: Position, page: AuditPage, request: PageRequest, window: Window): SortedAnswer {
  const times = page.eventTimes;
  const n = times.length;
  const start = window.start.getTime();
  const stop = window.end.getTime();
  if (n > request.size) invalid(request, `${n} events for a page size of ${request.size}`);
  const kinds = new Uint8Array(n);
  const from = request.from.getTime();
  let fresh = 0;
  let end = n;
  let previous = -Infinity;
  for (let i = 0; i < n; i++) {
    const t = times[i]!;
    if (!(t >= previous) || t < from) refuseEvent(page, request, i, t, previous);
    previous = t;
    // Order is checked past the end too: an event of the window after one past it is refused, not left behind.
    if (t >= stop && end === n) end = i;
  }
  // Instant by instant: ids are read only where they can matter (an instant with several events, or the one the
  // window stands at), so the common answer costs no string per event.
  for (let i = 0; i < end; ) {
    const t = times[i]!;
    let j = i + 1;
    while (j < end && times[j] === t) j++;
    if (t < position.at || t < start) kinds.fill(KNOWN, i, j); // behind: written already (or too late to place; the count check notices)
    else if (j - i === 1 && t !== position.at) {
      kinds[i] = NEW;
      fresh++;
    } else fresh += sortInstant(page, kinds, i, j, t === position.at ? position.ids : undefined);
    i = j;
  }
  // An event later than the maxDate asked proves nothing (the API does not keep to the range): not the end.
  const to = request.to.getTime();
  const done = (end < n && times[end]! <= to) || n === 0;
  let past = end;
  while (past < n && times[past] === stop) past++;
  const atEnd = past - end;
  const pastMaxDate = n > 0 && times[n - 1]! > to;
  return { kinds, end, fresh, done, atEnd, pastMaxDate, before: beforeOf(position, page, window, request) };
}

/** Events i..j at one instant: the first copy of an id not written yet is NEW; returns how many are. */
function sortInstant(page: AuditPage, kinds: Uint8Array, i: number, j: number, written: ReadonlyMap<string, number> | undefined): number {
  const copies = new Map<string, number>();
  let fresh = 0;
  for (let k = i; k < j; k++) {
    const id = idOf(page, k);
    const c = (copies.get(id) ?? 0) + 1;
    copies.set(id, c);
    const had = written?.get(id) ?? 0;
    if (c === 1 && had === 0) {
      kinds[k] = NEW;
      fresh++;
    } else kinds[k] = c <= had ? KNOWN : DUPLICATE;
  }
  return fresh;
}

/** A fresh window's first answer starts with the events of the millisecond before the window, if any. */
function beforeOf(position: Position, page: AuditPage, window: Window, request: PageRequest): number | undefined {
  if (!isFresh(position, window) || request.offset !== 0) return undefined;
  const start = window.start.getTime();
  const times = page.eventTimes;
  let k = 0;
  while (k < times.length && times[k]! < start) k++;
  // All of them are known only if the answer goes past them, or is empty.
  return k < times.length || times.length === 0 ? k : undefined;
}

function refuseEvent(page: AuditPage, request: PageRequest, i: number, t: number, previous: number): never {
  const { id, time, rule } = page.describe(i);
  if (Number.isNaN(t)) invalid(request, `event ${i} (id ${id}) has no valid time (${time}): ${rule}`);
  if (t < previous) invalid(request, `event ${i} (id ${id}) at ${time} is out of time order`);
  invalid(request, `event ${i} (id ${id}) at ${time} is earlier than the minDate asked for`);
}

function invalid(request: PageRequest, why: string): never {
  throw new ExportError('InvalidPage', `the audit API returned an invalid page at ${whereOf(request)}: ${why}`, { kind: 'retryable' });
}
