import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, type BlobHTTPHeaders, type BlockBlobClient, type ContainerClient } from '@azure/storage-blob';
import { PEER_TIMEOUTS, type PeerRetry } from '../../config/defaults';
import type { ExportError } from '../../errors';
import { safeUrl } from '../../redact';
import { boundedCall } from './boundedCall';
import { describePeer, storageRetryOptions, type Peer } from './peer';
import { restErrorInfo, storageError } from './storageErrors';

/** The container in the Functions host storage where the exporter keeps its checkpoints and status. */
export const STATE_CONTAINER = 'audit-exporter';

export type HostStorage = { connectionString: string } | { blobServiceUri: string };

export interface HostStorageOptions {
  /** For identity-based host storage. */
  credential?: TokenCredential;
  /** Per try and per call; the defaults' hostStorage entry unless given. */
  retry?: PeerRetry;
}

/** The state container, and every call to it bounded and named after the host storage and its setting. */
export class StateContainer {
  readonly client: ContainerClient;
  readonly peer: Peer;

  constructor(storage: HostStorage, options: HostStorageOptions = {}) {
    const retry = options.retry ?? PEER_TIMEOUTS.hostStorage;
    const pipeline = { retryOptions: storageRetryOptions(retry) };
    const service =
      'connectionString' in storage
        ? BlobServiceClient.fromConnectionString(storage.connectionString, pipeline)
        : new BlobServiceClient(storage.blobServiceUri, options.credential, pipeline);
    this.client = service.getContainerClient(STATE_CONTAINER);
    const endpoint = safeUrl(service.url).replace(/\/+$/, '');
    this.peer = { name: 'host storage', endpoint, setting: 'AzureWebJobsStorage', timeoutCode: 'StateStorageTimeout', retry };
  }

  /** One SDK call under the host storage's deadline; errors other than a time-out come back raw. */
  call<T>(what: string, abortSignal: AbortSignal, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
    return boundedCall(this.peer, what, abortSignal, call);
  }

  /** Uploads a blob whole; a first write into a host storage without the state container creates it. */
  async upload(what: string, blob: BlockBlobClient, body: string | Buffer, abortSignal: AbortSignal, headers?: BlobHTTPHeaders): Promise<void> {
    const length = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
    const upload = () => this.call(what, abortSignal, (signal) => blob.upload(body, length, { ...(headers ? { blobHTTPHeaders: headers } : {}), abortSignal: signal }));
    await upload().catch(async (error: unknown) => {
      if (restErrorInfo(error).status !== 404) throw error;
      await this.call('create the state container', abortSignal, (signal) => this.client.createIfNotExists({ abortSignal: signal }));
      await upload();
    });
  }

  /** A storage error as an ExportError that says which storage and setting it concerns. */
  error(error: unknown, what: string): ExportError {
    return storageError(error, `${describePeer(this.peer)}: ${what}`);
  }
}

export async function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
