import { randomUUID } from 'node:crypto';
import type { BlockBlobClient } from '@azure/storage-blob';
import type { Checkpoint } from '../../checkpoint/checkpoint';
import { decodeCheckpoint, encodeCheckpoint, unreadableAt } from '../../checkpoint/checkpointCodec';
import { SETTING_DEFAULTS } from '../../config/defaults';
import { ExportError, hasCode } from '../../errors';
import type { CheckpointStore, Lease, StoredCheckpoint } from '../../ports/checkpointStore';
import { systemClock, type Clock } from '../../ports/clock';
import { BlobLeaseKeeper } from './blobLease';
import { STATE_CONTAINER, readBody, type StateContainer } from './hostStorage';
import { restErrorInfo } from './storageErrors';

export interface BlobCheckpointStoreOptions {
  /** The state container in the host storage, shared with the status and id stores. */
  state: StateContainer;
  /** Names the export configuration, so several exports can share one host storage. */
  configId: string;
  /** Blob lease length, 15–60 s; renewed at a third of it. */
  leaseSeconds?: number;
  /** Times the lease's renewals. The service times the lease itself by the wall clock, so only tests give another. */
  clock?: Clock;
}

type Opts = { abortSignal: AbortSignal };

/** The checkpoint as a small JSON blob in the Functions host storage: ETag-guarded writes under a blob lease. */
export class BlobCheckpointStore implements CheckpointStore {
  private readonly state: StateContainer;
  private readonly blob: BlockBlobClient;
  private leaseId: string | undefined;

  constructor(private readonly options: BlobCheckpointStoreOptions) {
    this.state = options.state;
    this.blob = this.state.client.getBlockBlobClient(`checkpoints/${options.configId}.json`);
  }

  get blobPath(): string {
    return `${STATE_CONTAINER}/${this.blob.name}`;
  }

  async acquire(initial: Checkpoint, { abortSignal }: Opts): Promise<{ stored: StoredCheckpoint; lease: Lease }> {
    const what = 'create the state container';
    await this.state.call(what, abortSignal, (signal) => this.state.client.createIfNotExists({ abortSignal: signal })).catch((e) => {
      throw this.state.error(e, what);
    });
    await this.createIfAbsent(initial, abortSignal);
    const keeper = new BlobLeaseKeeper(this.blob.getBlobLeaseClient(randomUUID()), this.options.leaseSeconds ?? SETTING_DEFAULTS.EXPORT_LEASE_SECONDS, this.state, this.options.clock ?? systemClock);
    await keeper.acquire(abortSignal);
    this.leaseId = keeper.leaseId;
    try {
      const stored = await this.load({ abortSignal });
      if (!stored) throw new ExportError('CheckpointMissing', `${this.blobPath} vanished while leased`, { kind: 'conflict' });
      const release = () =>
        keeper.release().finally(() => {
          this.leaseId = undefined;
        });
      return { stored, lease: { lost: keeper.lost, release } };
    } catch (error) {
      await keeper.release();
      this.leaseId = undefined;
      throw error;
    }
  }

  async load({ abortSignal }: Opts): Promise<StoredCheckpoint | undefined> {
    let body: Buffer;
    let etag: string;
    const what = 'load checkpoint';
    try {
      [body, etag] = await this.state.call(what, abortSignal, async (signal) => {
        const response = await this.blob.download(0, undefined, { abortSignal: signal });
        return [await readBody(response.readableStreamBody!), response.etag!] as const;
      });
    } catch (error) {
      const { status, code } = restErrorInfo(error);
      if (status === 404 || code === 'BlobNotFound' || code === 'ContainerNotFound') return undefined;
      throw this.state.error(error, what);
    }
    try {
      return { checkpoint: decodeCheckpoint(body.toString('utf8')), etag };
    } catch (error) {
      throw unreadableAt(error, this.blobPath);
    }
  }

  async save(checkpoint: Checkpoint, etag: string | undefined, { abortSignal }: Opts): Promise<string> {
    const body = encodeCheckpoint(checkpoint);
    const what = 'save checkpoint';
    try {
      const result = await this.state.call(what, abortSignal, (signal) =>
        this.blob.upload(body, Buffer.byteLength(body), {
          conditions: { ...(etag ? { ifMatch: etag } : { ifNoneMatch: '*' }), ...(this.leaseId ? { leaseId: this.leaseId } : {}) },
          blobHTTPHeaders: { blobContentType: 'application/json' },
          abortSignal: signal,
        }),
      );
      return result.etag!;
    } catch (error) {
      const { status } = restErrorInfo(error);
      if (status === 412 || status === 409) {
        throw new ExportError('CheckpointConflict', 'the checkpoint was changed by another run, or this run lost its lease; it stops without writing more', {
          kind: 'conflict',
          cause: error,
        });
      }
      throw this.state.error(error, what);
    }
  }

  /** Whether a run holds the lease now; reads only (for operators: `checkpoint show`, and a reset's dry run). */
  async leased({ abortSignal }: Opts): Promise<boolean> {
    const what = 'read the checkpoint lease';
    try {
      const { leaseState } = await this.state.call(what, abortSignal, (signal) => this.blob.getProperties({ abortSignal: signal }));
      return leaseState === 'leased' || leaseState === 'breaking';
    } catch (error) {
      const { status, code } = restErrorInfo(error);
      if (status === 404 || code === 'BlobNotFound' || code === 'ContainerNotFound') return false;
      throw this.state.error(error, what);
    }
  }

  private async createIfAbsent(initial: Checkpoint, abortSignal: AbortSignal): Promise<void> {
    try {
      await this.save(initial, undefined, { abortSignal });
    } catch (error) {
      if (!hasCode(error, 'CheckpointConflict')) throw error;
    }
  }
}
