import { ExportError } from '../errors';
import { idOf, type AuditPage } from '../ndjson/auditPage';
import { whereOf, type PageRequest } from '../ports/auditSource';
import type { Window } from '../time/window';
import { isFresh, type Position } from './position';

/**
 * What each event of an answer is to the window: to be written, already written, another copy of one, or one that
 * cannot be placed (no valid time, an id that is no string, a time before what was asked: see unplaceable.ts).
 */
export const NEW = 0;
export const KNOWN = 1;
export const DUPLICATE = 2;
export const QUARANTINE = 3;

export interface SortedAnswer {
  /** NEW, KNOWN, DUPLICATE or QUARANTINE for each event before `end`. */
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
 * Sorts an answer's events against where the window stands. Checks what every later step relies on: the events
 * that can be placed are in time order; an answer that breaks this is refused whole. An event that cannot be placed
 * (no valid time or id, or a time before what was asked) is QUARANTINE, left out of the order check.
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
    if (!(t >= previous) || t < from) {
      if (!(t >= from)) {
        kinds[i] = QUARANTINE;
        continue;
      }
      refuseEvent(page, request, i, t, previous);
    }
    previous = t;
    // Order is checked past the end too: an event of the window after one past it is refused, not left behind.
    if (t >= stop && end === n) end = i;
  }
  // Instant by instant: ids are read only where they can matter (an instant with several events, or the one the
  // window stands at), so the common answer costs no string per event.
  for (let i = 0; i < end; ) {
    const t = times[i]!;
    if (kinds[i] === QUARANTINE) {
      i++;
      continue;
    }
    let j = i + 1;
    // An unplaceable event amid an instant does not split it (it is skipped below).
    while (j < end && (times[j] === t || kinds[j] === QUARANTINE)) j++;
    if (t < position.at || t < start) fillKnown(kinds, i, j); // behind: written already (or too late to place; the count check notices)
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
    if (kinds[k] === QUARANTINE) continue;
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

/** Events i..j are KNOWN, but for those that cannot be placed. */
function fillKnown(kinds: Uint8Array, i: number, j: number): void {
  for (let k = i; k < j; k++) if (kinds[k] !== QUARANTINE) kinds[k] = KNOWN;
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

/**
 * With EXPORT_INVALID_EVENTS=stop: the answer is refused at its first event that cannot be placed, as it was before
 * quarantine existed (the next run asks again).
 */
export function refuseUnplaceable(page: AuditPage, request: PageRequest, sorted: SortedAnswer): void {
  const i = sorted.kinds.indexOf(QUARANTINE);
  if (i >= 0 && i < sorted.end) refuseEvent(page, request, i, page.eventTimes[i]!, -Infinity);
}

function refuseEvent(page: AuditPage, request: PageRequest, i: number, t: number, previous: number): never {
  const { id, time, idIsText, rule } = page.describe(i);
  if (!idIsText) invalid(request, `event ${i} has no usable "id" (${id}): it must be a non-empty string`);
  if (Number.isNaN(t)) invalid(request, `event ${i} (id ${id}) has no valid time (${time}): ${rule}`);
  if (t < previous) invalid(request, `event ${i} (id ${id}) at ${time} is out of time order`);
  invalid(request, `event ${i} (id ${id}) at ${time} is earlier than the minDate asked for`);
}

function invalid(request: PageRequest, why: string): never {
  throw new ExportError('InvalidPage', `the audit API returned an invalid page at ${whereOf(request)}: ${why}`, { kind: 'retryable' });
}
