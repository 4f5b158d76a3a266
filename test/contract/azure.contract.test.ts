// The port contracts on the Azure adapters: AdlsLakeWriter through the dfs gateway with a Create + Write SAS, and
// BlobCheckpointStore and BlobIdLedger on Azurite, both on the local stack (loopback only). The in-memory twins pass the same suites.
import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { AdlsLakeWriter } from '../../src/adapters/azure/adlsLakeWriter';
import { BlobCheckpointStore } from '../../src/adapters/azure/blobCheckpointStore';
import { BlobIdLedger } from '../../src/adapters/azure/blobIdLedger';
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import { initialCheckpoint } from '../../src/checkpoint/checkpoint';
import type { ExportError } from '../../src/errors';
import type { Clock } from '../../src/ports/clock';
import { SecretValue } from '../../src/redact';
import { adminClient, fileSystemSas } from '../../dev/sas';
import { seedStack, type Seeded } from '../../dev/seed';
import { startStack, type LocalStack } from '../../dev/stack';
import { describeCheckpointStoreContract } from './checkpointStore.contract';
import { describeIdLedgerContract } from './idLedger.contract';
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
  const writer = (fileSystem = seeded.fileSystem) => {
    const sas = fileSystemSas(stack.info, { fileSystem, permissions: 'cw' });
    return new AdlsLakeWriter({ dfsEndpoint: stack.info.dfsEndpoint, fileSystem, sas: new SecretValue(sas) });
  };
  const files = adminClient(stack.info).getContainerClient(seeded.fileSystem);
  return {
    lake: writer(),
    other: writer,
    read: (path) => files.getBlobClient(path).downloadToBuffer().catch((e: unknown) => (is404(e) ? undefined : Promise.reject(e))),
    putForeign: async (path, data) => void (await files.getBlockBlobClient(path).upload(data, data.length)),
    async scratch() {
      // An ad hoc SAS (no stored access policy), so the writer's SAS outlives its file system, as an account-level one would.
      const fileSystem = `scratch-${randomUUID().slice(0, 8)}`;
      const container = adminClient(stack.info).getContainerClient(fileSystem);
      await container.create();
      return {
        lake: writer(fileSystem),
        fileSystem,
        async deleteFileSystem({ recreate }) {
          await container.delete();
          if (recreate) await container.create();
        },
      };
    },
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

describe('BlobCheckpointStore renews its lease on the clock it is given', () => {
  /** A ManualClock, and a promise for its next reading: the keeper reads it when a renewal's answer comes, to judge it. */
  function watchedClock() {
    const manual = new ManualClock();
    let onRead: (() => void) | undefined;
    const clock: Clock = {
      now: () => (onRead?.(), (onRead = undefined), manual.now()),
      sleep: (ms, signal) => manual.sleep(ms, signal),
      every: (ms, tick) => manual.every(ms, tick),
    };
    /** Moves the clock on by `ms` and waits for the renewal that starts then to be answered. */
    const renewalAfter = async (ms: number) => {
      const read = new Promise<void>((resolve) => (onRead = resolve));
      await manual.advance(ms);
      await read;
    };
    return { clock, renewalAfter };
  }

  it('renews at each third of the lease; with the lease broken, forgives one refusal and reports LeaseLost at the next, without waiting for the wall clock', async () => {
    const configId = `renewals-${randomUUID()}`;
    const { clock, renewalAfter } = watchedClock();
    const store = new BlobCheckpointStore({ state: new StateContainer({ connectionString: stack.info.azureWebJobsStorage }), configId, leaseSeconds: LEASE_SECONDS, clock });
    const { lease } = await store.acquire(initialCheckpoint(new Date('2026-01-01T00:00:00.000Z')), { abortSignal: new AbortController().signal });
    try {
      await renewalAfter(5_000); // renewed at 5 s
      expect(lease.lost.aborted).toBe(false);
      const blob = adminClient(stack.info).getContainerClient(STATE_CONTAINER).getBlockBlobClient(`checkpoints/${configId}.json`);
      await blob.getBlobLeaseClient().breakLease(0);
      await renewalAfter(5_000); // refused at 10 s: 5 s since the last renewal, under half the lease
      expect(lease.lost.aborted).toBe(false);
      await renewalAfter(5_000); // refused at 15 s: 10 s since the last renewal
      expect(lease.lost.aborted).toBe(true);
      const reason = lease.lost.reason as ExportError;
      expect(`${reason.code}/${reason.kind}`).toBe('LeaseLost/conflict');
      expect((await blob.getProperties()).leaseState).toBe('broken');
    } finally {
      await lease.release();
    }
  });
});

// Last: its wipe deletes the state container, which the suites above share.
describeIdLedgerContract('BlobIdLedger', async () => {
  const configId = `contract-${randomUUID()}`;
  const ledgerOf = (id: string) => new BlobIdLedger({ state: new StateContainer({ connectionString: stack.info.azureWebJobsStorage }), configId: id });
  const container = adminClient(stack.info).getContainerClient(STATE_CONTAINER);
  const prefix = `ledgers/${configId}/`;
  return {
    ledger: () => ledgerOf(configId),
    otherConfiguration: () => ledgerOf(`${configId}-other`),
    async stored() {
      if (!(await container.exists())) return [];
      const names: string[] = [];
      for await (const item of container.listBlobsFlat({ prefix })) names.push(item.name.slice(prefix.length).replace(/\.bin$/, ''));
      return names.sort();
    },
    wipe: async () => void (await container.deleteIfExists()),
  };
});
