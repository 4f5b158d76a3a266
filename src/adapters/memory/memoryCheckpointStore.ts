import { randomUUID } from 'node:crypto';
import type { Checkpoint } from '../../checkpoint/checkpoint';
import { decodeCheckpoint, encodeCheckpoint, unreadableAt } from '../../checkpoint/checkpointCodec';
import { ExportError } from '../../errors';
import { statusKind } from '../../retry/statusKind';
import type { CheckpointStore, Lease, StoredCheckpoint } from '../../ports/checkpointStore';
import type { Clock } from '../../ports/clock';
import { FaultInjector } from './faults';
import { BlobRefusal, MemoryCheckpointBlob } from './memoryCheckpointBlob';
import { MemoryLeaseKeeper } from './memoryLease';

export interface MemoryCheckpointStoreOptions {
  /** Times the lease: its expiry and its renewals. Use a ManualClock so tests never sleep. */
  clock: Clock;
  /** The checkpoint as storage holds it; give several stores the same one to model several runs. */
  blob?: MemoryCheckpointBlob;
  faults?: FaultInjector;
  /** Lease length, 15–60 s (default 60, as BlobCheckpointStore). */
  leaseSeconds?: number;
}

type Opts = { abortSignal: AbortSignal };

const CHECKPOINT = 'checkpoint';

/**
 * An in-memory CheckpointStore that behaves as BlobCheckpointStore does on Azurite: the same JSON encoding, ETag
 * conditions and blob lease, and the same ExportError codes and kinds. One instance is one run's client (it
 * remembers the lease it took, as BlobCheckpointStore does): after a simulated crash, give the next run a new one.
 */
export class MemoryCheckpointStore implements CheckpointStore {
  readonly blob: MemoryCheckpointBlob;
  readonly faults: FaultInjector;
  private readonly clock: Clock;
  private readonly leaseSeconds: number;
  private keeper: MemoryLeaseKeeper | undefined;

  constructor(options: MemoryCheckpointStoreOptions) {
    this.clock = options.clock;
    this.blob = options.blob ?? new MemoryCheckpointBlob(options.clock);
    this.faults = options.faults ?? new FaultInjector();
    this.leaseSeconds = options.leaseSeconds ?? 60;
  }

  async acquire(initial: Checkpoint, { abortSignal }: Opts): Promise<{ stored: StoredCheckpoint; lease: Lease }> {
    const leaseId = randomUUID();
    const stored = await this.faults.run({ port: 'checkpoint', name: 'acquire' }, abortSignal, () => {
      if (!this.blob.get()) this.blob.put(encodeCheckpoint(initial), { etag: undefined, leaseId: undefined });
      if (this.leaseSeconds < 15 || this.leaseSeconds > 60) throw new RangeError('a blob lease lasts 15 to 60 seconds');
      try {
        this.blob.acquireLease(leaseId, this.leaseSeconds);
      } catch (error) {
        if (error instanceof BlobRefusal && error.status === 409) {
          throw new ExportError('AnotherRunActive', 'another export run holds the lease on this export configuration; this run changes nothing', {
            kind: 'conflict',
          });
        }
        throw storageRefusal(error, 'acquire the checkpoint lease');
      }
      try {
        return this.read();
      } catch (error) {
        this.blob.releaseLease(leaseId);
        throw error;
      }
    });
    // Only a caller that heard the answer renews the lease: after a lost response it is left to expire.
    const keeper = new MemoryLeaseKeeper(this.blob, this.clock, this.faults, leaseId, this.leaseSeconds);
    this.keeper = keeper;
    const release = async () => {
      await keeper.release();
      if (this.keeper === keeper) this.keeper = undefined; // later saves go without a lease, as the blob store's do
    };
    return { stored, lease: { lost: keeper.lost, release } };
  }

  load({ abortSignal }: Opts): Promise<StoredCheckpoint | undefined> {
    return this.faults.run({ port: 'checkpoint', name: 'load' }, abortSignal, () => (this.blob.get() ? this.read() : undefined));
  }

  save(checkpoint: Checkpoint, etag: string | undefined, { abortSignal }: Opts): Promise<string> {
    const body = encodeCheckpoint(checkpoint);
    return this.faults.run({ port: 'checkpoint', name: 'save' }, abortSignal, () => {
      try {
        return this.blob.put(body, { etag, leaseId: this.keeper?.leaseId });
      } catch (error) {
        if (error instanceof BlobRefusal && (error.status === 412 || error.status === 409)) {
          throw new ExportError('CheckpointConflict', 'the checkpoint was changed by another run, or this run lost its lease; it stops without writing more', {
            kind: 'conflict',
            cause: error,
          });
        }
        throw storageRefusal(error, 'save checkpoint');
      }
    });
  }

  private read(): StoredCheckpoint {
    const current = this.blob.get();
    if (!current) throw new ExportError('CheckpointMissing', `${CHECKPOINT} vanished while leased`, { kind: 'conflict' });
    try {
      return { checkpoint: decodeCheckpoint(current.text), etag: current.etag };
    } catch (error) {
      throw unreadableAt(error, CHECKPOINT);
    }
  }
}

/** storageError()'s classification of the refusals the blob can give that the store does not handle itself. */
function storageRefusal(error: unknown, what: string): unknown {
  if (!(error instanceof BlobRefusal)) return error;
  const message = `${what}: ${error.status} ${error.code}`;
  if (error.code === 'BlobNotFound') return new ExportError('PathNotFound', message, { kind: 'permanent' });
  if (error.status === 412) return new ExportError('ConditionNotMet', message, { kind: 'conflict' });
  return new ExportError('StorageError', message, { kind: statusKind(error.status) });
}
