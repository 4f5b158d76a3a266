import type { BlockBlobClient } from '@azure/storage-blob';
import { hasCode } from '../../errors';
import type { StatusStore } from '../../status/statusStore';
import { decodeStatus, type StatusRecord } from '../../status/statusRecord';
import { readBody, type StateContainer } from './hostStorage';
import { restErrorInfo } from './storageErrors';

/** The status record as a JSON blob beside the checkpoint, in the Functions host storage. */
export class BlobStatusStore implements StatusStore {
  private readonly state: StateContainer;
  private readonly blob: BlockBlobClient;

  constructor(options: { state: StateContainer; configId: string }) {
    this.state = options.state;
    this.blob = this.state.client.getBlockBlobClient(`status/${options.configId}.json`);
  }

  async load({ abortSignal }: { abortSignal: AbortSignal }): Promise<StatusRecord | undefined> {
    const what = 'load status';
    try {
      const text = await this.state.call(what, abortSignal, async (signal) => {
        const response = await this.blob.download(0, undefined, { abortSignal: signal });
        return (await readBody(response.readableStreamBody!)).toString('utf8');
      });
      return decodeStatus(text);
    } catch (error) {
      // None yet, or one this version cannot read: status starts afresh (the next run or test writes a good one).
      if (restErrorInfo(error).status === 404 || hasCode(error, 'StatusRecordCorrupt')) return undefined;
      throw this.state.error(error, what);
    }
  }

  async save(record: StatusRecord, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    const body = JSON.stringify(record);
    const what = 'save status';
    try {
      await this.state.upload(what, this.blob, body, abortSignal, { blobContentType: 'application/json' });
    } catch (error) {
      throw this.state.error(error, what);
    }
  }
}
