import type { Intent } from '../checkpoint/checkpoint';
import { fileChanged, fileVanished } from './fileErrors';

/** What a flush with no data told us about a file: the fence held, moved, or the file is not there. */
export type FlushOutcome = 'committed' | 'mismatch' | 'missing';

/**
 * Step 1 of recovering an intent: flush at `to`.
 * - committed: the bytes are in (flushed before the crash, or fully staged) → apply the intent.
 * - mismatch: they are not → step 2, flush at `from` to drop stray staged bytes.
 * - missing: the file was never created → drop the intent; only an intent that creates the file may see this.
 */
export function afterFlushAtTo(intent: Intent, outcome: FlushOutcome): 'apply' | 'flush-at-from' | 'drop' {
  if (outcome === 'committed') return 'apply';
  if (outcome === 'mismatch') return 'flush-at-from';
  if (intent.create) return 'drop';
  throw fileVanished(intent.file.path);
}

/**
 * Step 2: flush at `from` (dropping staged bytes). Success means the file is exactly as the checkpoint
 * says, so the batch is fetched and written again; anything else means someone else wrote the file.
 */
export function afterFlushAtFrom(intent: Intent, outcome: FlushOutcome): 'drop' {
  if (outcome === 'committed') return 'drop';
  if (outcome === 'missing' && intent.create) return 'drop';
  if (outcome === 'missing') throw fileVanished(intent.file.path);
  throw fileChanged(intent.file.path, `neither ${intent.from} nor ${intent.to}`);
}
