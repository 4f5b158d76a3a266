import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/core-auth';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../checkpoint/checkpoint';
import { ExportError } from '../../errors';
import type { CheckpointStore, StoredCheckpoint } from '../../ports/checkpointStore';
import { storageError } from './storageErrors';

export const STATE_CONTAINER = 'audit-exporter';

export interface BlobCheckpointStoreOptions {
  storage: { connectionString: string } | { blobServiceUri: string };
  /** For identity-based host storage. */
  credential?: TokenCredential;
  /** Names the export configuration, so several exports can share one host storage. */
  configId: string;
}

/** The checkpoint as a small JSON blob in the Functions host storage, every write guarded by its ETag. */
export class BlobCheckpointStore implements CheckpointStore {
  private readonly container: ContainerClient;
  private readonly blobName: string;
  private containerReady = false;

  constructor(options: BlobCheckpointStoreOptions) {
    const service =
      'connectionString' in options.storage
        ? BlobServiceClient.fromConnectionString(options.storage.connectionString)
        : new BlobServiceClient(options.storage.blobServiceUri, options.credential);
    this.container = service.getContainerClient(STATE_CONTAINER);
    this.blobName = `checkpoints/${options.configId}.json`;
  }

  async load({ abortSignal }: { abortSignal: AbortSignal }): Promise<StoredCheckpoint | undefined> {
    try {
      const blob = this.container.getBlockBlobClient(this.blobName);
      const body = await blob.downloadToBuffer(undefined, undefined, { abortSignal });
      const { etag } = await blob.getProperties({ abortSignal });
      return { checkpoint: decodeCheckpoint(body.toString('utf8')), etag: etag! };
    } catch (error) {
      const code = (error as { details?: { errorCode?: string } }).details?.errorCode;
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 404 || code === 'BlobNotFound' || code === 'ContainerNotFound') return undefined;
      if (error instanceof Error && error.message.startsWith('checkpoint ')) {
        throw new ExportError('CheckpointCorrupt', `${error.message} (${STATE_CONTAINER}/${this.blobName})`, { kind: 'permanent' });
      }
      throw storageError(error, 'load checkpoint');
    }
  }

  async save(checkpoint: Checkpoint, etag: string | undefined, { abortSignal }: { abortSignal: AbortSignal }): Promise<string> {
    if (!this.containerReady) {
      await this.container.createIfNotExists({ abortSignal }).catch((e) => {
        throw storageError(e, 'create the state container');
      });
      this.containerReady = true;
    }
    const body = encodeCheckpoint(checkpoint);
    try {
      const result = await this.container.getBlockBlobClient(this.blobName).upload(body, Buffer.byteLength(body), {
        conditions: etag ? { ifMatch: etag } : { ifNoneMatch: '*' },
        blobHTTPHeaders: { blobContentType: 'application/json' },
        abortSignal,
      });
      return result.etag!;
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 412 || status === 409) {
        throw new ExportError('CheckpointConflict', 'the checkpoint was changed by another run; this run stops without writing', {
          kind: 'conflict',
          cause: error,
        });
      }
      throw storageError(error, 'save checkpoint');
    }
  }
}
