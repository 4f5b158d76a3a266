import { acknowledgeHour, type Acknowledged, type Checkpoint } from '../checkpoint/checkpoint';
import { ExportError, hasCode } from '../errors';
import type { CheckpointStore } from '../ports/checkpointStore';

export interface AcknowledgeOptions {
  /** The start of the UTC hour, as `noticed` lists it. */
  hour: string;
  /** Who accepts it (kept in the checkpoint). */
  by: string;
  at: Date;
  abortSignal: AbortSignal;
}

export interface AcknowledgeResult {
  acknowledged: Acknowledged;
  /** Hours still noticed after it. */
  noticed: NonNullable<Checkpoint['noticed']>;
  etag: string;
}

/**
 * Accepts a short hour as it stands, under the single-writer lease (no run moves the checkpoint in between): the
 * hour leaves `noticed` for `acknowledged`, so runs can end `caught-up` again. An hour that is not noticed is refused.
 */
export async function acknowledgeUnderLease(store: CheckpointStore, { hour, by, at, abortSignal }: AcknowledgeOptions): Promise<AcknowledgeResult> {
  const before = await store.load({ abortSignal });
  if (!before) throw notNoticed(hour, undefined);
  let acquired;
  try {
    acquired = await store.acquire(before.checkpoint, { abortSignal });
  } catch (error) {
    throw hasCode(error, 'AnotherRunActive') ? new ExportError('AnotherRunActive', 'another export run holds the lease; try again when it ends', { kind: 'conflict', cause: error }) : error;
  }
  const { stored, lease } = acquired;
  try {
    const next = acknowledgeHour(stored.checkpoint, hour, by, at.toISOString());
    if (!next) throw notNoticed(hour, stored.checkpoint);
    const etag = await store.save(next, stored.etag, { abortSignal: AbortSignal.any([abortSignal, lease.lost]) });
    return { acknowledged: next.acknowledged!.at(-1)!, noticed: next.noticed ?? [], etag };
  } finally {
    await lease.release();
  }
}

function notNoticed(hour: string, c: Checkpoint | undefined): ExportError {
  const listed = (c?.noticed ?? []).map((n) => `${n.hour} (${n.missing} missing)`);
  const done = c?.acknowledged?.some((a) => a.hour === hour) ? ' (it is acknowledged already)' : '';
  const now = listed.length > 0 ? `the hours noticed now: ${listed.join(', ')}` : 'no hour is noticed now';
  return new ExportError('InvalidUsage', `--hour ${hour} is not a noticed hour${done}; ${now} (audit-export status lists them)`, { kind: 'permanent' });
}
