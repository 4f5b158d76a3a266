import type { Checkpoint } from '../checkpoint/checkpoint';

export interface StoredCheckpoint {
  checkpoint: Checkpoint;
  etag: string;
}

/** The single-writer lock on one export configuration; renewed in the background while held. */
export interface Lease {
  /** Aborts if the lease cannot be renewed: another writer may take over, so the run must stop. */
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

/**
 * The exporter's state, saved with optimistic concurrency: `save` succeeds only if the stored checkpoint
 * still has `etag` (and, once acquired, under the run's lease). A lost race throws ExportError
 * `CheckpointConflict` (kind 'conflict') — never a silent overwrite.
 */
export interface CheckpointStore {
  /**
   * Takes the lease, creating the checkpoint as `initial` if there is none. Throws ExportError
   * `AnotherRunActive` (kind 'conflict') when another run holds it.
   */
  acquire(initial: Checkpoint, options: { abortSignal: AbortSignal }): Promise<{ stored: StoredCheckpoint; lease: Lease }>;
  load(options: { abortSignal: AbortSignal }): Promise<StoredCheckpoint | undefined>;
  save(checkpoint: Checkpoint, etag: string | undefined, options: { abortSignal: AbortSignal }): Promise<string>;
}
