import { applyIntent, type Checkpoint, type Intent } from '../checkpoint/checkpoint';
import { ExportError } from '../errors';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import type { LakeWriter } from '../ports/lakeWriter';

export interface DeliverDeps {
  store: CheckpointStore;
  lake: LakeWriter;
  abortSignal: AbortSignal;
  /** Appends of one batch in flight at once (each at its own position; the flush commits them together). */
  appendConcurrency?: number;
}

/**
 * Puts one batch into the lake exactly once: record the intent (together with the previous batch's advance,
 * so each batch costs one checkpoint write), (create the file,) append the parts at their positions from
 * `from`, flush at `to`. Returns the advanced checkpoint, not yet saved: the next intent, or the end of the
 * run, saves it. A crash before that leaves the intent, which recovery resolves by flushing at `to`.
 */
export async function deliver(stored: StoredCheckpoint, intent: Intent, parts: Buffer[], deps: DeliverDeps): Promise<StoredCheckpoint> {
  const opts = { abortSignal: deps.abortSignal };
  const withIntent: Checkpoint = { ...stored.checkpoint, intent };
  const etag = await deps.store.save(withIntent, stored.etag, opts);
  if (intent.create) await createOrClaim(intent.file.path, deps);
  await appendAll(intent, parts, deps);
  await deps.lake.flush(intent.file.path, intent.to, opts);
  return { checkpoint: applyIntent(withIntent, intent), etag };
}

/** Appends every part at its own offset, a few at a time; the first failure stops the rest. */
async function appendAll(intent: Intent, parts: Buffer[], deps: DeliverDeps): Promise<void> {
  const positions: number[] = [];
  let at = intent.from;
  for (const part of parts) positions.push(at), (at += part.length);
  if (at !== intent.to) throw new Error(`batch parts add up to ${at - intent.from} bytes, the intent says ${intent.to - intent.from}`);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < parts.length && !failed && !deps.abortSignal.aborted) {
      const i = next++;
      try {
        await deps.lake.append(intent.file.path, parts[i]!, positions[i]!, { abortSignal: deps.abortSignal });
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.appendConcurrency ?? 4, parts.length) }, worker));
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
