import type { TokenCredential } from '@azure/core-auth';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import type { StatusStore } from '../../ports/statusStore';
import { decodeStatus, type StatusRecord } from '../../status/statusRecord';
import { readBody, stateContainer, type HostStorage } from './hostStorage';
import { restErrorInfo, storageError } from './storageErrors';

/** The status record as a JSON blob beside the checkpoint, in the Functions host storage. */
export class BlobStatusStore implements StatusStore {
  private readonly container: ContainerClient;
  private readonly blob: BlockBlobClient;

  constructor(options: { storage: HostStorage; credential?: TokenCredential; configId: string }) {
    this.container = stateContainer(options.storage, options.credential);
    this.blob = this.container.getBlockBlobClient(`status/${options.configId}.json`);
  }

  async load({ abortSignal }: { abortSignal: AbortSignal }): Promise<StatusRecord | undefined> {
    try {
      const response = await this.blob.download(0, undefined, { abortSignal });
      return decodeStatus((await readBody(response.readableStreamBody!)).toString('utf8'));
    } catch (error) {
      if (restErrorInfo(error).status === 404) return undefined;
      if (error instanceof SyntaxError || (error instanceof Error && error.message.startsWith('status record'))) return undefined;
      throw storageError(error, 'load status');
    }
  }

  async save(record: StatusRecord, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    const body = JSON.stringify(record);
    const upload = () => this.blob.upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: 'application/json' }, abortSignal });
    try {
      await upload().catch(async (error) => {
        // A run that failed before taking its lease may be the first to write here.
        if (restErrorInfo(error).status !== 404) throw error;
        await this.container.createIfNotExists({ abortSignal });
        await upload();
      });
    } catch (error) {
      throw storageError(error, 'save status');
    }
  }
}
