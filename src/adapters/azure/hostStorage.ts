import type { TokenCredential } from '@azure/core-auth';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';

/** The container in the Functions host storage where the exporter keeps its checkpoints and status. */
export const STATE_CONTAINER = 'audit-exporter';

export type HostStorage = { connectionString: string } | { blobServiceUri: string };

// Bounded like the lake writer's: state that cannot be saved within seconds stops the run (the intent covers it).
const RETRY = { maxTries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 8_000, tryTimeoutInMs: 30_000 };

export function stateContainer(storage: HostStorage, credential?: TokenCredential): ContainerClient {
  const service =
    'connectionString' in storage
      ? BlobServiceClient.fromConnectionString(storage.connectionString, { retryOptions: RETRY })
      : new BlobServiceClient(storage.blobServiceUri, credential, { retryOptions: RETRY });
  return service.getContainerClient(STATE_CONTAINER);
}

export async function readBody(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
