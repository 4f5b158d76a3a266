import { applyIntent, manifestWritten, type Checkpoint, type Intent } from '../checkpoint/checkpoint';
import { encodeManifest, manifestPath } from '../manifest/manifest';
import { ExportError, hasCode } from '../errors';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import { segmentName, type IdLedger } from '../ports/idLedger';
import type { LakeWriter } from '../ports/lakeWriter';
import { fileChanged, fileVanished } from './fileErrors';

/** Where a batch's bytes go: the file, whether it is new, and its committed length (the first byte's position). */
export interface FileStart {
  file: { path: string };
  create: boolean;
  from: number;
}

export interface DeliverDeps {
  store: CheckpointStore;
  lake: LakeWriter;
  /** Where each batch's ids are kept for re-checks; none when re-checks are off. */
  ledger?: IdLedger;
  abortSignal: AbortSignal;
}

/**
 * Readies a batch's file for appends. A new file is created (or, left empty by a crashed run, claimed). The
 * first time a run writes into a file it did not create, it flushes at the committed length first (the fence):
 * that drops anything a crashed run staged there before recording an intent.
 */
export async function prepareFile(start: FileStart, fence: boolean, deps: DeliverDeps): Promise<void> {
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
    if (hasCode(error, 'FlushPositionMismatch')) throw changedFile(start, error);
    if (hasCode(error, 'PathNotFound') && !start.create) throw fileVanished(path, error);
    throw error;
  }
}

/**
 * Puts a batch whose bytes are all staged into the lake exactly once: record the intent (in the same write as
 * the previous batch's advance, so each batch costs one checkpoint write), then flush at `to`. Returns the
 * advanced checkpoint, not yet saved: the next intent, or the end of the run, saves it. A crash before the
 * flush leaves the intent, which recovery resolves by flushing at `to`.
 */
export async function commitBatch(stored: StoredCheckpoint, intent: Intent, deps: DeliverDeps, ids?: Buffer): Promise<StoredCheckpoint> {
  const opts = { abortSignal: deps.abortSignal };
  // The batch's ids go first: an intent is only ever recorded with its ids kept (a crash leaves ids of a batch that never landed, unused).
  if (deps.ledger && ids) await deps.ledger.put(intent.file.hour, segmentName(intent.file.part, intent.from, intent.to), ids, opts);
  const withIntent: Checkpoint = { ...stored.checkpoint, intent };
  const etag = await deps.store.save(withIntent, stored.etag, opts);
  await deps.lake.flush(intent.file.path, intent.to, opts);
  return { checkpoint: applyIntent(withIntent, intent), etag };
}

function changedFile(start: FileStart, cause: ExportError): ExportError {
  if (!start.create) return fileChanged(start.file.path, `not ${start.from}`, cause);
  return new ExportError(
    'FileExists',
    `${start.file.path} already exists and holds data this exporter did not record; move it aside (or point ADLS_PATH elsewhere) and run again`,
    { kind: 'permanent', cause },
  );
}

/**
 * Writes the manifests the checkpoint says are due, oldest first, each as a new file, moving the chain's head after
 * each. The checkpoint is saved before the first: a manifest is written only once it is durably due, so a crash
 * writes the very same bytes again (its content, time included, is fixed in the checkpoint).
 */
export async function writeDueManifests(stored: StoredCheckpoint, root: string, deps: DeliverDeps): Promise<StoredCheckpoint> {
  const opts = { abortSignal: deps.abortSignal };
  let { checkpoint } = stored;
  if (!checkpoint.pendingManifests?.length) return stored;
  let etag = await deps.store.save(checkpoint, stored.etag, opts);
  for (let due = checkpoint.pendingManifests ?? []; due.length > 0; due = checkpoint.pendingManifests ?? []) {
    const manifest = due[0]!;
    const path = manifestPath(root, new Date(manifest.hour), manifest.revision);
    await writeWhole(deps.lake, path, encodeManifest(manifest), opts, manifestTaken);
    checkpoint = manifestWritten(checkpoint, path);
    etag = await deps.store.save(checkpoint, etag, opts);
  }
  return { checkpoint, etag };
}

const manifestTaken = (path: string) =>
  new ExportError('ManifestPathTaken', `${path} exists and is not the manifest this export writes there; move it aside (manifests are never overwritten) and run again`, { kind: 'permanent' });

const quarantineTaken = (path: string) =>
  new ExportError('QuarantinePathTaken', `${path} exists and is not the quarantined event this export writes there (its name is the sha256 of the event's bytes); move it aside and run again`, { kind: 'permanent' });

/**
 * Keeps an event that could not be placed: a new file holding its line. Its name is the sha256 of those bytes, so a
 * file already there of their length is this very event, kept by an earlier try or run.
 */
export function writeQuarantineFile(lake: LakeWriter, path: string, bytes: Buffer, opts: { abortSignal: AbortSignal }): Promise<void> {
  return writeWhole(lake, path, bytes, opts, quarantineTaken);
}

/**
 * A new file holding exactly `bytes`. Written again after a crash it is the same file: complete already (a flush at
 * its length succeeds), or created and left empty (a flush at 0 does). Anything else is another writer's file.
 */
async function writeWhole(lake: LakeWriter, path: string, bytes: Buffer, opts: { abortSignal: AbortSignal }, taken: (path: string) => ExportError): Promise<void> {
  const { created } = await lake.createFile(path, opts);
  if (!created) {
    if (await flushes(lake, path, bytes.length, opts)) return;
    if (!(await flushes(lake, path, 0, opts))) throw taken(path);
  }
  await lake.append(path, bytes, 0, opts);
  await lake.flush(path, bytes.length, opts);
}

/** Whether a flush at `position` takes: false when the file's length says otherwise (FlushPositionMismatch). */
export async function flushes(lake: LakeWriter, path: string, position: number, opts: { abortSignal: AbortSignal }): Promise<boolean> {
  try {
    await lake.flush(path, position, opts);
    return true;
  } catch (error) {
    if (hasCode(error, 'FlushPositionMismatch')) return false;
    throw error;
  }
}
