import type { Claim, Checkpoint } from '../checkpoint/checkpoint';
import { holdingsText, LAKE_RESET_TODO, lakeHoldings } from '../checkpoint/lostHours';
import { ExportError, hasCode } from '../errors';
import { ownerPath } from '../lake/layout';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import type { LakeWriter } from '../ports/lakeWriter';
import type { Logger } from '../ports/logger';

export interface ClaimDeps {
  store: CheckpointStore;
  lake: LakeWriter;
  logger: Logger;
  abortSignal: AbortSignal;
}

export interface ClaimOptions {
  root: string;
  configId: string;
  /** ADLS_FILE_SYSTEM, named in messages and in the owner file. */
  fileSystem?: string;
  now: Date;
}

/**
 * One lake path, one owner, and proof that it still holds what was written, with Create + Write only: every run
 * creates `{root}/_owner` with If-None-Match: *. Created while the checkpoint holds no claim: this configuration
 * claims the path. Created while it does: the path was emptied or replaced, so the run stops (LakePathReset), and
 * so does every run after it until `checkpoint reset`. Already there: ours if the checkpoint holds the claim and
 * the file is as long as we wrote it; else another configuration's (LakePathClaimed). Runs before anything is written.
 */
export async function claimPath(stored: StoredCheckpoint, deps: ClaimDeps, options: ClaimOptions): Promise<StoredCheckpoint> {
  const { checkpoint } = stored;
  const where = options.fileSystem ? `${options.fileSystem}/${options.root}` : options.root;
  if (checkpoint.lakeReset) throw lakePathReset(checkpoint, where, checkpoint.lakeReset.detectedAt);
  const opts = { abortSignal: deps.abortSignal };
  const path = ownerPath(options.root);
  const { created } = await deps.lake.createFile(path, opts);
  const claim = checkpoint.claim;
  if (created) {
    const content = ownerContent(options, path);
    const mine: Claim = { path, claimedAt: options.now.toISOString(), bytes: content.length };
    // Recorded before the owner file is written: a crash in between leaves an empty file the next run completes.
    const next: Checkpoint = claim ? { ...checkpoint, claim: mine, lakeReset: { detectedAt: mine.claimedAt } } : { ...checkpoint, claim: mine };
    const etag = await deps.store.save(next, stored.etag, opts);
    await writeOwner(deps.lake, path, content, opts);
    if (claim) {
      const error = lakePathReset(next, where, mine.claimedAt);
      deps.logger.error(error.message);
      throw error;
    }
    deps.logger.info('claimed the lake path for this export configuration', { path: where, owner: path, configId: options.configId });
    return { checkpoint: next, etag };
  }
  if (!claim) throw claimedByAnother(where, path, options.configId, 'this configuration has never claimed it');
  if (await flushes(deps.lake, path, claim.bytes, opts)) return stored;
  // Left empty by a run stopped between recording the claim and writing the file: written now.
  if (!(await flushes(deps.lake, path, 0, opts))) throw claimedByAnother(where, path, options.configId, 'it is not the file this configuration wrote');
  const content = ownerContent(options, path);
  await writeOwner(deps.lake, path, content, opts);
  const next = { ...checkpoint, claim: { ...claim, bytes: content.length } };
  return { checkpoint: next, etag: await deps.store.save(next, stored.etag, opts) };
}

/** What an operator reading `_owner` needs: who claimed the path, which path, and when. */
function ownerContent(options: ClaimOptions, path: string): Buffer {
  const owner = { configId: options.configId, fileSystem: options.fileSystem ?? null, path: options.root, owner: path, claimedAt: options.now.toISOString() };
  return Buffer.from(`${JSON.stringify(owner)}\n`, 'utf8');
}

async function writeOwner(lake: LakeWriter, path: string, content: Buffer, opts: { abortSignal: AbortSignal }): Promise<void> {
  await lake.append(path, content, 0, opts);
  await lake.flush(path, content.length, opts);
}

async function flushes(lake: LakeWriter, path: string, position: number, opts: { abortSignal: AbortSignal }): Promise<boolean> {
  try {
    await lake.flush(path, position, opts);
    return true;
  } catch (error) {
    if (hasCode(error, 'FlushPositionMismatch')) return false;
    throw error;
  }
}

function claimedByAnother(where: string, path: string, configId: string, why: string): ExportError {
  return new ExportError(
    'LakePathClaimed',
    `${where} is claimed by another export configuration: ${path} exists and ${why}. This configuration (configId ${configId}) writes nothing there. ` +
      'Each configuration needs a path of its own: point ADLS_PATH (or ADLS_FILE_SYSTEM) elsewhere; "audit-export verify" names the owner\'s configId. ' +
      `If ${path} names this configId (a run stopped while claiming the path), delete ${path} and run again`,
    { kind: 'permanent' },
  );
}

function lakePathReset(c: Checkpoint, where: string, detectedAt: string): ExportError {
  return new ExportError(
    'LakePathReset',
    `${where} was emptied or replaced (found at ${detectedAt}): its _owner file, which this export created, was gone, ` +
      `so the files written before may be gone too (${holdingsText(lakeHoldings(c))}). Nothing more is written there: ${LAKE_RESET_TODO}`,
    { kind: 'permanent' },
  );
}
