import type { Checkpoint } from '../checkpoint/checkpoint';
import { ExportError } from '../errors';
import type { CheckpointStore } from '../ports/checkpointStore';
import { takeInventory, type Inventory } from './inventory';
import type { LakeReader } from '../ports/lakeReader';

const ATTEMPTS = 3;

/**
 * The lake's listing and the checkpoint it goes with. A run may write a manifest and move the chain head while the
 * lake is listed, so the head is read before and after the listing, and the listing taken again until they agree.
 */
export async function lakeView(store: CheckpointStore, reader: LakeReader, root: string, opts: { abortSignal: AbortSignal }): Promise<{ inventory: Inventory; checkpoint?: Checkpoint }> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const before = await store.load(opts);
    const inventory = await takeInventory(root, reader.list(root, opts));
    const after = await store.load(opts);
    if (before?.checkpoint.chain?.head === after?.checkpoint.chain?.head) return { inventory, checkpoint: before?.checkpoint };
  }
  throw new ExportError('ExportBusy', `the export wrote manifests each time verify listed the lake (${ATTEMPTS} times); run verify again when no export is running`, { kind: 'retryable' });
}
