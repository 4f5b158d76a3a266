import type { AuditPage } from '../ndjson/auditPage';
import type { PageRequest } from '../ports/auditSource';

/**
 * Why an event of an answer cannot be placed in the window's time order (sortAnswer's QUARANTINE), as the manifest
 * and the log name it:
 * - `id`: no "id", an empty one, or one that is not a string;
 * - `no-time`: no time key;
 * - `leap-second`: a time whose seconds are 60 (no instant in epoch time, so no place in the order);
 * - `time`: a time that is not an instant with a zone (or, for legacy, epoch milliseconds);
 * - `before-range`: a valid time earlier than the minDate asked for.
 */
type UnplaceableReason = 'id' | 'no-time' | 'leap-second' | 'time' | 'before-range';

/** A quarantined event as the log names it: why, its id (as text, or the JSON of what stood there) and its time (JSON). */
export interface Unplaceable {
  reason: UnplaceableReason;
  id: string;
  time: string;
}

/** An instant whose seconds are 60, as JSON (quotes included). */
const LEAP_SECOND = /^"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:60(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})"$/;

/** Why event i, sorted QUARANTINE, cannot be placed. Parses its line: off the hot path (such events are rare). */
export function unplaceable(page: AuditPage, request: PageRequest, i: number): Unplaceable {
  const { id, time, idIsText, hasTime } = page.describe(i);
  const t = page.eventTimes[i]!;
  let reason: UnplaceableReason;
  if (!idIsText) reason = 'id';
  else if (!Number.isNaN(t) && t < request.from.getTime()) reason = 'before-range';
  else if (!hasTime) reason = 'no-time';
  else if (LEAP_SECOND.test(time)) reason = 'leap-second';
  else reason = 'time';
  return { reason, id, time };
}
