import { parseInstant } from '../ndjson/eventTime';
import { ExportError } from '../errors';

/** No audit event is older; a year before it is a typo, not a request. */
const EARLIEST_START = new Date('2000-01-01T00:00:00.000Z');

const usage = (message: string) => new ExportError('InvalidUsage', message, { kind: 'permanent' });

/**
 * The time a reset makes the next run start from: an RFC 3339 instant with a zone (read as event times are, to
 * the millisecond), from 2000 on and not later than `now` (a run exports only what has happened).
 */
export function parseResetStart(text: string | undefined, now: Date): Date {
  if (text === undefined || text.trim() === '') {
    throw usage('checkpoint reset needs --start: the time the next run exports from, e.g. --start 2026-11-01T00:00:00Z');
  }
  const ms = parseInstant(text.trim());
  if (Number.isNaN(ms)) throw usage(`--start must be an ISO-8601 time with a zone, e.g. 2026-11-01T00:00:00Z (got "${text}")`);
  const start = new Date(ms);
  if (start < EARLIEST_START) {
    throw usage(`--start ${start.toISOString()} is before ${EARLIEST_START.toISOString()}: no audit event is that old; check the year`);
  }
  if (start > now) {
    throw usage(`--start ${start.toISOString()} is later than now (${now.toISOString()}): a run exports only events that have happened`);
  }
  return start;
}
