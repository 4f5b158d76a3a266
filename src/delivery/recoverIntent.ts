import { applyIntent, dropIntent } from '../checkpoint/checkpoint';
import { hasCode } from '../errors';
import type { Logger } from '../ports/logger';
import type { StoredCheckpoint, CheckpointStore } from '../ports/checkpointStore';
import type { LakeWriter } from '../ports/lakeWriter';
import { afterFlushAtFrom, afterFlushAtTo, type FlushOutcome } from './recoveryTable';

export interface RecoverDeps {
  store: CheckpointStore;
  lake: LakeWriter;
  logger: Logger;
  abortSignal: AbortSignal;
}

/** Resolves a pending intent left by an interrupted run, probing only with flushes (a Create + Write SAS cannot read). */
export async function recover(stored: StoredCheckpoint, deps: RecoverDeps): Promise<StoredCheckpoint> {
  const intent = stored.checkpoint.intent;
  if (!intent) return stored;
  const path = intent.file.path;
  const step = afterFlushAtTo(intent, await probe(deps.lake, path, intent.to, deps.abortSignal));
  let next = stored.checkpoint;
  if (step === 'apply') {
    next = applyIntent(stored.checkpoint, intent);
    deps.logger.info('recovered an interrupted batch: it is in the lake', { file: path, from: intent.from, to: intent.to });
  } else {
    if (step === 'flush-at-from') afterFlushAtFrom(intent, await probe(deps.lake, path, intent.from, deps.abortSignal));
    next = dropIntent(stored.checkpoint);
    deps.logger.info('recovered an interrupted batch: not in the lake, it will be written again', { file: path, from: intent.from });
  }
  return { checkpoint: next, etag: await deps.store.save(next, stored.etag, { abortSignal: deps.abortSignal }) };
}

async function probe(lake: LakeWriter, path: string, position: number, abortSignal: AbortSignal): Promise<FlushOutcome> {
  try {
    await lake.flush(path, position, { abortSignal });
    return 'committed';
  } catch (error) {
    if (hasCode(error, 'FlushPositionMismatch')) return 'mismatch';
    if (hasCode(error, 'PathNotFound')) return 'missing';
    throw error;
  }
}
