// The port contracts on the in-memory twins: the same suites the Azure adapters pass on the local stack.
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { describeCheckpointStoreContract } from './checkpointStore.contract';
import { describeIdLedgerContract } from './idLedger.contract';
import { describeLakeWriterContract } from './lakeWriter.contract';

const LEASE_SECONDS = 15;
/** How far the clock moves between checks while a test waits for something to happen. */
const STEP_MS = 1000;

describeLakeWriterContract('MemoryLake', async () => {
  const lake = new MemoryLake();
  return {
    lake,
    other: () => lake.connect(),
    read: async (path) => lake.read(path),
    putForeign: async (path, data) => lake.putForeign(path, data),
    async scratch() {
      const own = new MemoryLake({ fileSystem: 'scratch' });
      return { lake: own, fileSystem: 'scratch', deleteFileSystem: async (options) => own.deleteFileSystem(options) };
    },
  };
});

// One clock for every subject, as real time is one for every Azure run: a test that waits on one subject lets
// time pass for the others too.
const clock = new ManualClock();

describeCheckpointStoreContract('MemoryCheckpointStore', async () => {
  const blob = new MemoryCheckpointBlob(clock);
  return {
    store: () => new MemoryCheckpointStore({ clock, blob, leaseSeconds: LEASE_SECONDS }),
    leaseSeconds: LEASE_SECONDS,
    readRaw: async () => blob.read(),
    writeRaw: async (text) => void blob.write(text),
    deleteRaw: async () => blob.delete(),
    breakLease: async () => blob.breakLease(),
    takeLeaseAndDie: async (seconds) => void blob.takeLease(seconds),
    async waitFor(condition, what, limitMs) {
      for (let waited = 0; !(await condition()); waited += STEP_MS) {
        if (waited >= limitMs) throw new Error(`gave up after ${limitMs} ms (clock time) waiting for ${what}`);
        await clock.advance(STEP_MS);
      }
    },
  };
});

describeIdLedgerContract('MemoryIdLedger', async () => {
  const ledger = new MemoryIdLedger();
  const other = new MemoryIdLedger();
  return {
    ledger: () => ledger.connect(),
    otherConfiguration: () => other,
    stored: async () => [...ledger.segments.keys()].sort(),
    wipe: async () => {
      ledger.segments.clear();
      other.segments.clear();
    },
  };
});
