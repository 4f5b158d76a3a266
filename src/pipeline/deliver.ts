import { applyIntent, type Checkpoint, type Intent } from '../checkpoint/checkpoint';
import type { BatchStart } from '../batch/planBatch';
import { ExportError } from '../errors';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import type { LakeWriter } from '../ports/lakeWriter';
import { fileChanged, fileVanished } from './recovery';

export interface DeliverDeps {
  store: CheckpointStore;
  lake: LakeWriter;
  abortSignal: AbortSignal;
}

/**
 * Readies a batch's file for appends. A new file is created (or, left empty by a crashed run, claimed). The
 * first time a run writes into a file it did not create, it flushes at the committed length first (the fence):
 * that drops anything a crashed run staged there before recording an intent.
 */
export async function prepareFile(start: BatchStart, fence: boolean, deps: DeliverDeps): Promise<void> {
  const opts = { abortSignal: deps.abortSignal };
  const path = start.file.path;
  if (start.create) {
    const { created } = await deps.lake.createFile(path, opts);
    if (created) return;
  } else if (!fence) return;
  try {
    // Succeeds only if the file is exactly as long as recorded (0 for a leftover to claim), so we never write
    // into bytes we did not record; it drops whatever is staged.
    await deps.lake.flush(path, start.from, opts);
  } catch (error) {
    if (error instanceof ExportError && error.code === 'FlushPositionMismatch') throw changedFile(start, error);
    if (error instanceof ExportError && error.code === 'PathNotFound' && !start.create) throw fileVanished(path, error);
    throw error;
  }
}

/**
 * Puts a batch whose bytes are all staged into the lake exactly once: record the intent (in the same write as
 * the previous batch's advance, so each batch costs one checkpoint write), then flush at `to`. Returns the
 * advanced checkpoint, not yet saved: the next intent, or the end of the run, saves it. A crash before the
 * flush leaves the intent, which recovery resolves by flushing at `to`.
 */
export async function commitBatch(stored: StoredCheckpoint, intent: Intent, deps: DeliverDeps): Promise<StoredCheckpoint> {
  const opts = { abortSignal: deps.abortSignal };
  const withIntent: Checkpoint = { ...stored.checkpoint, intent };
  const etag = await deps.store.save(withIntent, stored.etag, opts);
  await deps.lake.flush(intent.file.path, intent.to, opts);
  return { checkpoint: applyIntent(withIntent, intent), etag };
}

function changedFile(start: BatchStart, cause: ExportError): ExportError {
  if (!start.create) return fileChanged(start.file.path, `not ${start.from}`, cause);
  return new ExportError(
    'FileExists',
    `${start.file.path} already exists and holds data this exporter did not record; move it aside (or point ADLS_PATH elsewhere) and run again`,
    { kind: 'permanent', cause },
  );
}
