import { applyIntent, type Checkpoint, type Intent } from '../checkpoint/checkpoint';
import { ExportError } from '../errors';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import type { LakeWriter } from '../ports/lakeWriter';

export interface DeliverDeps {
  store: CheckpointStore;
  lake: LakeWriter;
  abortSignal: AbortSignal;
}

/**
 * Puts one batch into the lake exactly once: record the intent, (create the file,) append at `from`,
 * flush at `to`, then advance the checkpoint and clear the intent in one conditional write. A crash at
 * any point leaves either no intent (nothing happened or all done) or an intent that recovery resolves.
 */
export async function deliver(stored: StoredCheckpoint, intent: Intent, data: Buffer, deps: DeliverDeps): Promise<StoredCheckpoint> {
  const opts = { abortSignal: deps.abortSignal };
  const withIntent: Checkpoint = { ...stored.checkpoint, intent };
  const etag = await deps.store.save(withIntent, stored.etag, opts);
  if (intent.create) await createOrClaim(intent.file.path, deps);
  await deps.lake.append(intent.file.path, data, intent.from, opts);
  await deps.lake.flush(intent.file.path, intent.to, opts);
  const advanced = applyIntent(withIntent, intent);
  return { checkpoint: advanced, etag: await deps.store.save(advanced, etag, opts) };
}

/**
 * A file we are about to start may already exist: created by a run that crashed before its first flush.
 * A flush at 0 succeeds only if it is still empty (and drops anything staged), so we never write into a
 * file that holds bytes we did not record.
 */
async function createOrClaim(path: string, deps: DeliverDeps): Promise<void> {
  const opts = { abortSignal: deps.abortSignal };
  const { created } = await deps.lake.createFile(path, opts);
  if (created) return;
  try {
    await deps.lake.flush(path, 0, opts);
  } catch (error) {
    if (error instanceof ExportError && error.code === 'FlushPositionMismatch') {
      throw new ExportError(
        'FileExists',
        `${path} already exists and holds data this exporter did not record; move it aside (or point ADLS_PATH elsewhere) and run again`,
        { kind: 'permanent', cause: error },
      );
    }
    throw error;
  }
}
