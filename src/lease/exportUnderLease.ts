import { initialCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';
import { exportStartWarning } from '../config/exportStart';
import { hasCode } from '../errors';
import { exportWindows } from '../windows/exportWindows';
import type { RunDeps, RunOptions } from '../windows/runOptions';
import type { RunSummary } from '../windows/runSummary';
import { emptySourceReport } from '../windows/sourceReport';
import { FIRST_RUN_LOOKBACK_MS } from '../config/defaults';

/**
 * What an operator must hear before the run: EXPORT_START no longer matches where the checkpoint began (the
 * checkpoint wins), or the export stands further back than the audit API keeps events.
 */
function startWarnings(checkpoint: Checkpoint, exportStart: Date | undefined, now: Date): string[] {
  const warnings: string[] = [];
  if (exportStart && checkpoint.origin && Date.parse(checkpoint.origin) !== exportStart.getTime()) {
    warnings.push(
      `EXPORT_START (${exportStart.toISOString()}) is ignored: this export began at ${checkpoint.origin} and goes on from its checkpoint (${checkpoint.watermark}); ` +
        'to start over from EXPORT_START, see "audit-export checkpoint reset" in the README',
    );
  }
  const behind = exportStartWarning(new Date(checkpoint.watermark), now);
  if (behind) warnings.push(behind.replace('EXPORT_START is', 'the export stands'));
  return warnings;
}

/** One export: take the single-writer lease (or step aside if another run holds it), export, release. */
export async function exportUnderLease(deps: RunDeps, options: RunOptions): Promise<RunSummary> {
  const { clock, logger } = deps;
  const opts = { abortSignal: options.abortSignal };
  const started = clock.now();
  const initial = initialCheckpoint(options.exportStart ?? new Date(started.getTime() - FIRST_RUN_LOOKBACK_MS));
  let acquired;
  try {
    acquired = await deps.store.acquire(initial, opts);
  } catch (error) {
    if (!hasCode(error, 'AnotherRunActive')) throw error;
    logger.info('another export run is active; this run exits without changing anything');
    return { status: 'skipped', events: 0, bytes: 0, files: [], windows: 0, watermark: '', startedAt: started.toISOString(), endedAt: clock.now().toISOString(), source: emptySourceReport() };
  }
  const { lease } = acquired;
  const warnings = startWarnings(acquired.stored.checkpoint, options.exportStart, started);
  for (const warning of warnings) logger.warn(warning);
  try {
    const summary = await exportWindows(deps, options, acquired.stored, AbortSignal.any([options.abortSignal, lease.lost]), started);
    return warnings.length > 0 ? { ...summary, warnings: [...(summary.warnings ?? []), ...warnings] } : summary;
  } catch (error) {
    throw lease.lost.aborted ? lease.lost.reason : error;
  } finally {
    await lease.release();
  }
}
