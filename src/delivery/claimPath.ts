import { randomBytes, randomInt } from 'node:crypto';
import type { Claim, Checkpoint } from '../checkpoint/checkpoint';
import { holdingsText, LAKE_RESET_TODO, lakeHoldings } from '../checkpoint/lostHours';
import { ExportError, hasCode } from '../errors';
import { ownerPath } from '../lake/layout';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import type { LakeWriter } from '../ports/lakeWriter';
import type { Logger } from '../ports/logger';
import { flushes } from './deliver';

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
 * One lake path, one owner, and proof that it still holds what was written, with Create + Write only.
 * - The checkpoint holds a claim a run saw through: a flush of `{root}/_owner` at the length written proves it is
 *   still there, unchanged in length. Gone (PathNotFound): the path was emptied or replaced. The run records that
 *   first, then stops (LakePathReset), and so does every run after it until `checkpoint reset`; nothing is created
 *   before that is recorded, so a crash in between cannot hide the loss from the next run. Another length: another
 *   configuration's file stands there (LakePathClaimed).
 * - Otherwise the run creates `_owner` with If-None-Match: *. Created: this configuration claims the path (recorded
 *   first, as pending, so a crash is resumed). Already there: ours only if it is a pending claim's file, exactly as
 *   long as its content or still empty; else another configuration's (LakePathClaimed).
 * The first run thus costs one checkpoint write more; later runs one lake call (the flush).
 */
export async function claimPath(stored: StoredCheckpoint, deps: ClaimDeps, options: ClaimOptions): Promise<StoredCheckpoint> {
  const where = options.fileSystem ? `${options.fileSystem}/${options.root}` : options.root;
  if (stored.checkpoint.lakeReset) throw lakePathReset(stored.checkpoint, where, stored.checkpoint.lakeReset.detectedAt);
  const opts = { abortSignal: deps.abortSignal };
  const path = ownerPath(options.root);
  const earlier = stored.checkpoint.claim;
  if (earlier && !earlier.pending) {
    const owner = await ownerFile(deps.lake, path, Buffer.byteLength(earlier.content), opts);
    if (owner === 'ours') return stored;
    if (owner === 'other') throw claimedByAnother(where, path, options.configId, 'it is not the file this configuration wrote there');
    const detectedAt = options.now.toISOString();
    const reset = await save(stored, { ...stored.checkpoint, lakeReset: { detectedAt } }, deps);
    // The path stays claimed: no other configuration may start writing into what is left of this export.
    if ((await deps.lake.createFile(path, opts)).created) await writeOwner(deps.lake, path, earlier, opts);
    const error = lakePathReset(reset.checkpoint, where, detectedAt);
    deps.logger.error(error.message);
    throw error;
  }
  let current = stored;
  if (!earlier) current = await save(stored, { ...stored.checkpoint, claim: newClaim(options, path) }, deps);
  const claim = current.checkpoint.claim!;
  const { created } = await deps.lake.createFile(path, opts);
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
  if (await flushes(deps.lake, path, Buffer.byteLength(claim.content), opts)) return confirm(current);
  if (await flushes(deps.lake, path, 0, opts)) {
    // Created by this configuration's earlier run, stopped before it wrote the file.
    await writeOwner(deps.lake, path, claim, opts);
    return confirm(current);
  }
  await save(current, withoutClaim(current.checkpoint), deps);
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

/** Whether our `_owner` is still there, as long as we wrote it, or gone, or another file of another length. */
async function ownerFile(lake: LakeWriter, path: string, length: number, opts: Opts): Promise<'ours' | 'gone' | 'other'> {
  try {
    return (await flushes(lake, path, length, opts)) ? 'ours' : 'other';
  } catch (error) {
    if (hasCode(error, 'PathNotFound')) return 'gone';
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
