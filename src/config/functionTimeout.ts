import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExportError } from '../errors';
import { DEADLINE_MARGIN_MS } from './defaults';

/** host.json beside package.json: where the Functions host reads it, three folders up from dist/src/config. */
export const HOST_JSON = join(__dirname, '..', '..', '..', 'host.json');

/**
 * host.json's functionTimeout in ms ("hh:mm:ss" or "d.hh:mm:ss"; "-1" is unbounded): the one source of the run's
 * deadline, read once when the worker loads.
 */
export function functionTimeoutMs(hostJsonPath = HOST_JSON): number {
  const value = (JSON.parse(readFileSync(hostJsonPath, 'utf8')) as { functionTimeout?: unknown }).functionTimeout;
  if (value === '-1') return Infinity;
  const m = typeof value === 'string' ? /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(value) : null;
  if (!m) {
    const message = `${hostJsonPath}: functionTimeout must be "hh:mm:ss" (e.g. "00:30:00") or "-1", got ${JSON.stringify(value)}`;
    throw new ExportError('InvalidSettings', message, { kind: 'permanent' });
  }
  const [days, hours, minutes, seconds] = [m[1] ?? '0', m[2]!, m[3]!, m[4]!].map(Number) as [number, number, number, number];
  return (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
}

/** Why a time budget does not fit in the function timeout (with the margin, and the margin again for the last batch), or undefined. */
export function budgetProblem(timeBudgetSeconds: number, timeoutMs: number): string | undefined {
  const most = Math.floor((timeoutMs - 2 * DEADLINE_MARGIN_MS) / 1000);
  if (timeBudgetSeconds <= most) return undefined;
  return (
    `EXPORT_TIME_BUDGET_SECONDS is ${timeBudgetSeconds}, but host.json's functionTimeout of ${timeoutMs / 1000} s leaves at most ${Math.max(most, 0)} s ` +
    `once the last batch and the checkpoint (${(2 * DEADLINE_MARGIN_MS) / 1000} s) are allowed for: lower EXPORT_TIME_BUDGET_SECONDS, or raise functionTimeout (the plan allows up to its own limit)`
  );
}
