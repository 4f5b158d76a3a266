import { randomBytes, randomInt } from 'node:crypto';
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

type Opts = { abortSignal: AbortSignal };

/**
 * One lake path, one owner, and proof that it still holds what was written, with Create + Write only: every run
 * creates `{root}/_owner` with If-None-Match: *, before anything else is written.
 * - Created, and the checkpoint holds a claim that a run saw through: the path was emptied or replaced. The run
 *   stops (LakePathReset), and so does every run after it until `checkpoint reset`.
 * - Created otherwise: this configuration claims the path (recorded first, as pending, so a crash is resumed).
 *   The first run thus costs one checkpoint write more; later runs two lake calls (the create, a flush at the length).
 * - Already there: ours if the checkpoint holds the claim and the file is exactly as long as the content we chose
 *   (a pending claim from an earlier run: also if it is still empty); else another configuration's (LakePathClaimed).
 */
export async function claimPath(stored: StoredCheckpoint, deps: ClaimDeps, options: ClaimOptions): Promise<StoredCheckpoint> {
  const where = options.fileSystem ? `${options.fileSystem}/${options.root}` : options.root;
  if (stored.checkpoint.lakeReset) throw lakePathReset(stored.checkpoint, where, stored.checkpoint.lakeReset.detectedAt);
  const opts = { abortSignal: deps.abortSignal };
  const path = ownerPath(options.root);
  const earlier = stored.checkpoint.claim;
  let current = stored;
  if (!earlier) current = await save(stored, { ...stored.checkpoint, claim: newClaim(options, path) }, deps);
  const claim = current.checkpoint.claim!;
  const { created } = await deps.lake.createFile(path, opts);
  if (created && earlier && !earlier.pending) {
    const detectedAt = options.now.toISOString();
    const reset = await save(current, { ...current.checkpoint, lakeReset: { detectedAt } }, deps);
    // The path stays claimed: no other configuration may start writing into what is left of this export.
    await writeOwner(deps.lake, path, claim, opts);
    const error = lakePathReset(reset.checkpoint, where, detectedAt);
    deps.logger.error(error.message);
    throw error;
  }
  if (created) {
    await writeOwner(deps.lake, path, claim, opts);
    deps.logger.info('claimed the lake path for this export configuration', { path: where, owner: path, configId: options.configId });
    return confirm(current);
  }
  if (!earlier) {
    // Found there, though this run had not claimed the path before: another configuration's.
    await save(current, withoutClaim(current.checkpoint), deps);
    throw claimedByAnother(where, path, options.configId, 'this configuration never claimed it');
  }
  const length = Buffer.byteLength(claim.content);
  if (await flushes(deps.lake, path, length, opts)) return claim.pending ? confirm(current) : current;
  if (claim.pending && (await flushes(deps.lake, path, 0, opts))) {
    // Created by this configuration's earlier run, stopped before it wrote the file.
    await writeOwner(deps.lake, path, claim, opts);
    return confirm(current);
  }
  if (claim.pending) await save(current, withoutClaim(current.checkpoint), deps);
  throw claimedByAnother(where, path, options.configId, 'it is not the file this configuration wrote there');
}

/** What an operator reading `_owner` needs: who claimed the path, which path, and when; a random tail of random length. */
function newClaim(options: ClaimOptions, path: string): Claim {
  const claimedAt = options.now.toISOString();
  const tail = randomBytes(4 + randomInt(64)).toString('hex');
  const owner = { configId: options.configId, fileSystem: options.fileSystem ?? null, path: options.root, claimedAt, tail };
  return { path, claimedAt, content: `${JSON.stringify(owner)}\n`, pending: true };
}

async function save(stored: StoredCheckpoint, next: Checkpoint, deps: ClaimDeps): Promise<StoredCheckpoint> {
  return { checkpoint: next, etag: await deps.store.save(next, stored.etag, { abortSignal: deps.abortSignal }) };
}

/**
 * The claim, seen through, goes with the run's next checkpoint write: every write that makes bytes visible in the
 * lake is preceded by one (an intent, manifests due), so nothing is committed there under a pending claim.
 */
function confirm(stored: StoredCheckpoint): StoredCheckpoint {
  const { pending: _seen, ...claim } = stored.checkpoint.claim!;
  return { ...stored, checkpoint: { ...stored.checkpoint, claim } };
}

function withoutClaim(c: Checkpoint): Checkpoint {
  const { claim: _refused, ...rest } = c;
  return rest;
}

async function writeOwner(lake: LakeWriter, path: string, claim: Claim, opts: Opts): Promise<void> {
  const bytes = Buffer.from(claim.content, 'utf8');
  await lake.append(path, bytes, 0, opts);
  await lake.flush(path, bytes.length, opts);
}

async function flushes(lake: LakeWriter, path: string, position: number, opts: Opts): Promise<boolean> {
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
    `${where} belongs to another export configuration: ${path} exists and ${why}, so this configuration (configId ${configId}) writes nothing there. ` +
      `Each configuration needs a path of its own: point ADLS_PATH (or ADLS_FILE_SYSTEM) elsewhere. ${path} names the owner's configId ("audit-export verify" shows it)`,
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
