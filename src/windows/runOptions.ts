import type { AuditSource } from '../ports/auditSource';
import type { CheckpointStore } from '../ports/checkpointStore';
import type { Clock } from '../ports/clock';
import type { IdLedger } from '../ports/idLedger';
import type { LakeWriter } from '../ports/lakeWriter';
import type { Logger } from '../ports/logger';

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
  /** The file system (ADLS_FILE_SYSTEM), named in messages and in the path's owner file. */
  fileSystem?: string;
  /** The export configuration's id, named in every manifest. */
  configId: string;
  pageSize: number;
  lagSeconds: number;
  /** Where a first run starts; default 24 hours before it. */
  exportStart?: Date;
  fileMaxBytes: number;
  /** No new batch starts after this long; the backlog continues on the next run. */
  timeBudgetMs: number;
  /** Bytes per batch (one intent and one flush each); default EXPORT_BATCH_MAX_BYTES's. */
  batchMaxBytes?: number;
  /** Hour windows one run plans at most; default MAX_WINDOWS. */
  maxWindows?: number;
  /** Closed hours re-checked for late events (EXPORT_RECHECK_HOURS); 0 or absent: none. */
  recheckHours?: number;
  /** An event that cannot be placed goes to quarantine, or stops the run (EXPORT_INVALID_EVENTS); default quarantine. */
  invalidEvents?: 'quarantine' | 'stop';
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
