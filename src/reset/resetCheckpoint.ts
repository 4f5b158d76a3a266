import { ExportError, hasCode } from '../errors';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import { encodeCheckpoint } from '../checkpoint/checkpointCodec';
import { planReset, type ResetPlan } from './resetPlan';

/** The port, plus whether a run holds the lease now: the preview takes no lease, yet must not plan under a run. */
export type ResettableStore = CheckpointStore & { leased(options: { abortSignal: AbortSignal }): Promise<boolean> };

export interface ResetOptions {
  start: Date;
  /** ADLS_PATH: where a new part the plan starts lives. */
  root: string;
  abortSignal: AbortSignal;
}

export interface ResetResult {
  /** What is (or would be) replaced, with its ETag; none when nothing was stored. */
  old?: StoredCheckpoint;
  plan: ResetPlan;
  /** The new checkpoint's ETag, once written. */
  etag?: string;
}

const leaseHeld = (cause?: unknown) =>
  new ExportError('AnotherRunActive', 'another export run holds the lease; try again when it ends', { kind: 'conflict', cause });

/** What a reset would replace and write; reads only. Refused while a run holds the lease, as the reset itself would be. */
export async function previewReset(store: ResettableStore, { start, root, abortSignal }: ResetOptions): Promise<ResetResult> {
  const [old, leased] = await Promise.all([store.load({ abortSignal }), store.leased({ abortSignal })]);
  if (leased) throw leaseHeld();
  return { old, plan: planReset(old?.checkpoint, start, root) };
}

/**
 * Replaces the checkpoint under the single-writer lease, so no run starts in between, planning from what the
 * lease shows (a run may have moved on since a preview). Taking the lease creates the checkpoint if none exists.
 */
export async function applyReset(store: ResettableStore, { start, root, abortSignal }: ResetOptions): Promise<ResetResult> {
  const before = await store.load({ abortSignal });
  const first = planReset(undefined, start, root);
  let acquired;
  try {
    acquired = await store.acquire(first.next, { abortSignal });
  } catch (error) {
    throw hasCode(error, 'AnotherRunActive') ? leaseHeld(error) : error;
  }
  const { stored, lease } = acquired;
  try {
    // Taking the lease wrote `first.next` only if nothing was stored: then it is done.
    if (!before && encodeCheckpoint(stored.checkpoint) === encodeCheckpoint(first.next)) return { plan: first, etag: stored.etag };
    const plan = planReset(stored.checkpoint, start, root);
    const etag = await store.save(plan.next, stored.etag, { abortSignal: AbortSignal.any([abortSignal, lease.lost]) });
    return { old: stored, plan, etag };
  } finally {
    await lease.release();
  }
}
