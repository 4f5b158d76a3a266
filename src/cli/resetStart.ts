import { parseInstant } from '../ndjson/eventTime';
import { exportStartProblem } from '../config/exportStart';
import { ExportError } from '../errors';

const usage = (message: string) => new ExportError('InvalidUsage', message, { kind: 'permanent' });

/**
 * The time a reset makes the next run start from: an RFC 3339 instant with a zone (read as event times are, to
 * the millisecond), allowed where EXPORT_START would be: from 2000 on and not later than `now`.
 */
export function parseResetStart(text: string | undefined, now: Date): Date {
  if (text === undefined || text.trim() === '') {
    throw usage('checkpoint reset needs --start: the time the next run exports from, e.g. --start 2026-11-01T00:00:00Z');
  }
  const ms = parseInstant(text.trim());
  if (Number.isNaN(ms)) throw usage(`--start must be an ISO-8601 time with a zone, e.g. 2026-11-01T00:00:00Z (got "${text}")`);
  const start = new Date(ms);
  // The same rule as EXPORT_START's: a reset starts the export anew.
  const problem = exportStartProblem(start, now);
  if (problem) throw usage(`--start ${problem}`);
  return start;
}
