// The port contracts on the Azure adapters: AdlsLakeWriter through the dfs gateway with a Create + Write SAS, and
// BlobCheckpointStore on Azurite, both on the local stack (loopback only). The in-memory twins pass the same suites.
import { randomUUID } from 'node:crypto';
import { AdlsLakeWriter } from '../../src/adapters/azure/adlsLakeWriter';
import { BlobCheckpointStore } from '../../src/adapters/azure/blobCheckpointStore';
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import { SecretValue } from '../../src/redact';
import { adminClient, fileSystemSas } from '../../dev/sas';
import { seedStack, type Seeded } from '../../dev/seed';
import { startStack, type LocalStack } from '../../dev/stack';
import { describeCheckpointStoreContract } from './checkpointStore.contract';
import { describeLakeWriterContract } from './lakeWriter.contract';
import { StateContainer } from '../../src/adapters/azure/hostStorage';

// The shortest lease Blob storage grants: the expiry and lost-lease tests wait for it in real time.
const LEASE_SECONDS = 15;
const POLL_MS = 200;

let stack: LocalStack;
let seeded: Seeded;

beforeAll(async () => {
  stack = await startStack({ audit: { count: 1 } });
  seeded = await seedStack(stack);
});
afterAll(() => stack?.stop());

const is404 = (e: unknown) => (e as { statusCode?: number }).statusCode === 404;

describeLakeWriterContract('AdlsLakeWriter', async () => {
  const writer = () => {
    const sas = fileSystemSas(stack.info, { fileSystem: seeded.fileSystem, permissions: 'cw' });
    return new AdlsLakeWriter({ dfsEndpoint: stack.info.dfsEndpoint, fileSystem: seeded.fileSystem, sas: new SecretValue(sas) });
  };
  const files = adminClient(stack.info).getContainerClient(seeded.fileSystem);
  return {
    lake: writer(),
    other: writer,
    read: (path) => files.getBlobClient(path).downloadToBuffer().catch((e: unknown) => (is404(e) ? undefined : Promise.reject(e))),
  };
});

describeCheckpointStoreContract('BlobCheckpointStore', async () => {
  const configId = `contract-${randomUUID()}`;
  const container = adminClient(stack.info).getContainerClient(STATE_CONTAINER);
  const blob = container.getBlockBlobClient(`checkpoints/${configId}.json`);
  return {
    store: () => new BlobCheckpointStore({ state: new StateContainer({ connectionString: stack.info.azureWebJobsStorage }), configId, leaseSeconds: LEASE_SECONDS }),
    leaseSeconds: LEASE_SECONDS,
    readRaw: () =>
      blob.downloadToBuffer().then(
        (body) => body.toString('utf8'),
        (e: unknown) => (is404(e) ? undefined : Promise.reject(e)),
      ),
    async writeRaw(text) {
      await container.createIfNotExists();
      await blob.upload(text, Buffer.byteLength(text));
    },
    deleteRaw: async () => void (await blob.delete()),
    breakLease: async () => void (await blob.getBlobLeaseClient().breakLease(0)),
    takeLeaseAndDie: async (seconds) => void (await blob.getBlobLeaseClient(randomUUID()).acquireLease(seconds)),
    async waitFor(condition, what, limitMs) {
      const deadline = Date.now() + limitMs;
      while (!(await condition())) {
        if (Date.now() >= deadline) throw new Error(`gave up after ${limitMs} ms waiting for ${what}`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
  };
});
