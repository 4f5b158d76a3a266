import { initialCheckpoint, type Checkpoint } from '../checkpoint/checkpoint';
import { exportStartWarning } from '../config/exportStart';
import type { AuditSource } from '../ports/auditSource';
import type { CheckpointStore } from '../ports/checkpointStore';
import type { Clock } from '../ports/clock';
import type { LakeWriter } from '../ports/lakeWriter';
import type { Logger } from '../ports/logger';
import { ExportError } from '../errors';
import { exportWindows } from './exportWindows';
import { emptySourceReport, type SourceReport } from './sourceReport';
import type { IdLedger } from '../ports/idLedger';
import type { RecheckReport } from '../recheck/recheckReport';

export interface RunDeps {
  source: AuditSource;
  /** Where batches' ids are kept for re-checks; needed when recheckHours > 0. */
  ledger?: IdLedger;
  lake: LakeWriter;
  store: CheckpointStore;
  clock: Clock;
  logger: Logger;
}

export interface RunOptions {
  /** Directory in the file system (ADLS_PATH). */
  root: string;
  /** The export configuration's id, named in every manifest. */
  configId: string;
  pageSize: number;
  lagSeconds: number;
  /** Where a first run starts; default 24 hours before it. */
  exportStart?: Date;
  fileMaxBytes: number;
  /** No new batch starts after this long; the backlog continues on the next run. */
  timeBudgetMs: number;
  /** Bytes per batch (one intent and one flush each); default DEFAULT_BATCH_BYTES. */
  batchMaxBytes?: number;
  /** Hour windows one run plans at most; default MAX_WINDOWS. */
  maxWindows?: number;
  /** Closed hours re-checked for late events (EXPORT_RECHECK_HOURS); 0 or absent: none. */
  recheckHours?: number;
  abortSignal: AbortSignal;
  onProgress?: (progress: RunProgress) => void;
}

export interface RunProgress {
  events: number;
  bytes: number;
  /** The event time reached, and the event time the run is heading for (now − lag). */
  reached: Date;
  until: Date;
  /** Time spent, and the run's time budget. */
  elapsedMs: number;
  budgetMs: number;
}

export interface RunSummary {
  /**
   * caught-up: every event up to now − lag is in the lake, as far as the audit API's counts can tell; incomplete:
   * caught up, but the API counts events of exported hours that came too late to place (see `source`);
   * time-budget: more remains for the next run; window-limit: the run planned as many hour windows as one run
   * may (10,000) and more remain for the next; skipped: another run holds the lease.
   */
  status: 'caught-up' | 'incomplete' | 'time-budget' | 'window-limit' | 'skipped';
  events: number;
  bytes: number;
  files: string[];
  windows: number;
  watermark: string;
  startedAt: string;
  endedAt: string;
  /** Problems worth an operator's attention that did not stop the run (e.g. the SAS expires soon). */
  warnings?: string[];
  /** What the audit API did that the exporter corrected for or could not. */
  source: SourceReport;
  /** What re-checking closed hours found and appended (absent when it did not run). */
  recheck?: RecheckReport;
}

const FIRST_RUN_LOOKBACK_MS = 24 * 3600 * 1000;

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
export async function runExport(deps: RunDeps, options: RunOptions): Promise<RunSummary> {
  const { clock, logger } = deps;
  const opts = { abortSignal: options.abortSignal };
  const started = clock.now();
  const initial = initialCheckpoint(options.exportStart ?? new Date(started.getTime() - FIRST_RUN_LOOKBACK_MS));
  let acquired;
  try {
    acquired = await deps.store.acquire(initial, opts);
  } catch (error) {
    if (!(error instanceof ExportError && error.code === 'AnotherRunActive')) throw error;
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
