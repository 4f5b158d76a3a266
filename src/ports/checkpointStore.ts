import type { Checkpoint } from '../checkpoint/checkpoint';

export interface StoredCheckpoint {
  checkpoint: Checkpoint;
  etag: string;
}

/**
 * The exporter's state, saved with optimistic concurrency: `save` succeeds only if the stored checkpoint
 * still has `etag` (or, with `etag` undefined, if none exists yet). A lost race throws ExportError
 * `CheckpointConflict` (kind 'conflict') — never a silent overwrite.
 */
export interface CheckpointStore {
  load(options: { abortSignal: AbortSignal }): Promise<StoredCheckpoint | undefined>;
  save(checkpoint: Checkpoint, etag: string | undefined, options: { abortSignal: AbortSignal }): Promise<string>;
}
