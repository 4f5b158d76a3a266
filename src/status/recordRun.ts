import { ensureError, type ExportErrorCode } from '../errors';
import type { RunSummary } from '../windows/runSummary';
import type { RecheckReport } from '../recheck/recheckReport';
import type { RecheckTotals } from './statusRecord';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { StatusStore } from './statusStore';
import { updateStatus } from './updateStatus';

export interface RunOutcome {
  id: string;
  startedAt: string;
  outcome: RunSummary | { reason: string; code?: ExportErrorCode };
  warnings: string[];
  /** Those of `warnings` the SAS check gave. */
  sasWarnings: string[];
}

/** Keeps a run's outcome for `status`; failing to write it is logged, never allowed to hide the run's result. */
export function recordRun(store: StatusStore, run: RunOutcome, clock: Clock, logger: Logger): Promise<void> {
  return updateStatus(
    store,
    (previous) => {
      const o = run.outcome;
      const failed = 'reason' in o;
      const attempts = failed && previous.lastRun?.status === 'failed' ? previous.lastRun.attempts + 1 : 1;
      const endedAt = clock.now().toISOString();
      return {
        version: 1,
        lastRun:
          'reason' in o
            ? { id: run.id, startedAt: run.startedAt, endedAt, status: 'failed', events: 0, bytes: 0, files: 0, attempts, failureReason: o.reason, ...(o.code ? { failureCode: o.code } : {}) }
            : { id: run.id, startedAt: run.startedAt, endedAt, status: o.status, events: o.events, bytes: o.bytes, files: o.files.length, attempts, source: o.source, ...(o.recheck ? { recheck: o.recheck } : {}) },
        connection: { status: failed ? 'FAILED' : 'SUCCESS', checkedAt: endedAt, by: 'run', ...('reason' in o ? { failureReason: o.reason } : {}) },
        warnings: run.warnings,
        sasWarnings: run.sasWarnings,
        ...totalsAfter(previous.recheckTotals, 'reason' in o ? undefined : o.recheck),
      };
    },
    (error) => logger.warn('could not record the run for status', { error: ensureError(error).message }),
  );
}

/** The re-check totals with one more run's added. */
function totalsAfter(before: RecheckTotals | undefined, run: RecheckReport | undefined): { recheckTotals?: RecheckTotals } {
  if (!before && !run) return {};
  const t = before ?? { hoursChecked: 0, lateFound: 0, lateAppended: 0, hoursCountDown: 0 };
  if (!run) return { recheckTotals: t };
  return {
    recheckTotals: {
      hoursChecked: t.hoursChecked + run.hoursChecked,
      lateFound: t.lateFound + run.lateFound,
      lateAppended: t.lateAppended + run.lateAppended,
      hoursCountDown: t.hoursCountDown + run.countDown.length,
    },
  };
}
