import { ledgerSegmentMissing, type IdLedger } from '../../ports/idLedger';
import { readBody, type StateContainer } from './hostStorage';
import { restErrorInfo } from './storageErrors';

/** The id ledger as blobs in the host storage: ledgers/{configId}/{hour}/{segment}.bin. */
export class BlobIdLedger implements IdLedger {
  private readonly state: StateContainer;
  private readonly prefix: string;

  constructor(options: { state: StateContainer; configId: string }) {
    this.state = options.state;
    this.prefix = `ledgers/${options.configId}/`;
  }

  async put(hour: string, segment: string, digests: Buffer, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    const blob = this.state.client.getBlockBlobClient(this.#name(hour, segment));
    const what = `save the ids of ${hour} ${segment}`;
    try {
      await this.state.upload(what, blob, digests, abortSignal);
    } catch (error) {
      throw this.state.error(error, what);
    }
  }

  async read(hour: string, segments: string[], { abortSignal }: { abortSignal: AbortSignal }): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const segment of segments) {
      const what = `read the ids of ${hour} ${segment}`;
      try {
        out.push(await this.state.call(what, abortSignal, async (signal) => readBody((await this.state.client.getBlobClient(this.#name(hour, segment)).download(0, undefined, { abortSignal: signal })).readableStreamBody!)));
      } catch (error) {
        if (restErrorInfo(error).status === 404) throw ledgerSegmentMissing(hour, segment, `container ${this.state.client.containerName}, blob ${this.#name(hour, segment)}`);
        throw this.state.error(error, what);
      }
    }
    return out;
  }

  #name(hour: string, segment: string): string {
    return `${this.prefix}${hour}/${segment}.bin`;
  }

  async pruneBefore(hour: string, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    const what = 'prune the id ledger';
    try {
      const names: string[] = [];
      await this.state.call(what, abortSignal, async (signal) => {
        for await (const item of this.state.client.listBlobsFlat({ prefix: this.prefix, abortSignal: signal })) {
          if (item.name.slice(this.prefix.length).split('/')[0]! < hour) names.push(item.name);
        }
      });
      for (const name of names) await this.state.call(what, abortSignal, (signal) => this.state.client.deleteBlob(name, { abortSignal: signal }));
    } catch (error) {
      if (restErrorInfo(error).status === 404) return;
      throw this.state.error(error, what);
    }
  }
}
