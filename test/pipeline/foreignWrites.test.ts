// Another writer in the lake: a file the export creates or records that someone else wrote, lengthened or deleted
// stops the run with its own code and nothing written into it; a batch whose staged bytes are gone when recovery
// comes is fetched and written again, once.
import { FaultInjector, SimulatedCrash } from '../../src/adapters/memory/faults';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { hourFilePath } from '../../src/lake/layout';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import { manifestPath } from '../../src/manifest/manifest';
import type { RunSummary } from '../../src/windows/runSummary';
import { HostileSource, eventJson, eventsAt } from '../support/hostileSource';
import { partLines } from '../support/partLines';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const NOW = new Date(T0 + 2.5 * 3600_000);
const LAG_MS = 300_000;
const events = eventsAt(T0, 2.5 * 3600_000, 90);
const FOREIGN = Buffer.from('{"written":"by another tool"}\n');

function world() {
  const clock = new ManualClock(NOW);
  const blob = new MemoryCheckpointBlob(clock);
  const lake = new MemoryLake();
  const info: string[] = [];
  const run = async (faults = new FaultInjector()): Promise<RunSummary | SimulatedCrash> => {
    try {
      return await exportUnderLease(
        {
          source: new HostileSource(events),
          lake: lake.connect({ faults }),
          store: new MemoryCheckpointStore({ clock, blob, faults }),
          clock,
          logger: { info: (message) => info.push(message), warn: () => undefined, error: () => undefined },
        },
        { root: 'audit', configId: 'test', pageSize: 20, lagSeconds: LAG_MS / 1000, exportStart: new Date(T0), fileMaxBytes: 1 << 20, batchMaxBytes: 900, timeBudgetMs: 3600_000, abortSignal: new AbortController().signal },
      );
    } catch (error) {
      if (error instanceof SimulatedCrash) return error;
      throw error;
    }
  };
  /** Every event before now − lag, once, as the lake should hold them. */
  const expected = () => events.filter((e) => e.t < clock.now().getTime() - LAG_MS).map((e) => JSON.stringify(eventJson(e)));
  const lines = () => partLines(lake);
  const checkpoint = () => decodeCheckpoint(blob.read()!);
  return { clock, blob, lake, info, run, expected, lines, checkpoint };
}

describe('another writer in the lake', () => {
  it('a file the first batch would create already holds data: FileExists, and the file is left as it was', async () => {
    const w = world();
    const path = hourFilePath('audit', new Date(T0), 0);
    w.lake.put(path, FOREIGN);
    await expect(w.run()).rejects.toMatchObject({ code: 'FileExists', kind: 'permanent' });
    expect(w.lake.read(path)).toEqual(FOREIGN);
    expect(w.lake.staged(path)).toEqual([]);
  });

  describe('the open hour file the checkpoint records, before the next run writes on', () => {
    const firstRun = async () => {
      const w = world();
      expect(await w.run()).toMatchObject({ status: 'caught-up' });
      const file = w.checkpoint().file!;
      expect(w.lake.read(file.path)!.length).toBe(file.length);
      await w.clock.advance(LAG_MS); // events the next run writes into the same file
      return { w, file };
    };

    it('lengthened by another writer: UnexpectedFileLength, nothing written into it, the checkpoint unchanged', async () => {
      const { w, file } = await firstRun();
      const lengthened = Buffer.concat([w.lake.read(file.path)!, FOREIGN]);
      w.lake.put(file.path, lengthened);
      const before = w.blob.read();
      await expect(w.run()).rejects.toMatchObject({ code: 'UnexpectedFileLength', kind: 'conflict' });
      expect(w.lake.read(file.path)).toEqual(lengthened);
      expect(w.lake.staged(file.path)).toEqual([]);
      expect(decodeCheckpoint(w.blob.read()!)).toEqual(decodeCheckpoint(before!));
    });

    it('deleted: FileVanished, and the file is not created again', async () => {
      const { w, file } = await firstRun();
      w.lake.delete(file.path);
      await expect(w.run()).rejects.toMatchObject({ code: 'FileVanished', kind: 'permanent' });
      expect(w.lake.read(file.path)).toBeUndefined();
    });
  });

  it("a closing hour's manifest path already holds another file: ManifestPathTaken, and that file is left as it was", async () => {
    const w = world();
    const path = manifestPath('audit', new Date(T0), 1);
    w.lake.put(path, FOREIGN);
    await expect(w.run()).rejects.toMatchObject({ code: 'ManifestPathTaken', kind: 'permanent' });
    expect(w.lake.read(path)).toEqual(FOREIGN);
  });

  it('killed before its first flush, its staged bytes then dropped by another flush: recovery writes that batch again, every event once', async () => {
    const w = world();
    const faults = new FaultInjector();
    faults.failNext(1, { type: 'crash' }, (op) => op.name === 'flush' && op.path!.endsWith('.ndjson'));
    expect(await w.run(faults)).toBeInstanceOf(SimulatedCrash);
    const { intent } = w.checkpoint();
    expect(intent).toMatchObject({ create: true, from: 0 });
    expect(w.lake.staged(intent!.file.path).length).toBeGreaterThan(0);
    // A flush at the committed length commits nothing and drops what is staged (retainUncommittedData=false).
    await w.lake.connect().flush(intent!.file.path, 0, { abortSignal: new AbortController().signal });
    await w.clock.advance(61_000); // the killed run's lease expires

    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    expect(w.info).toContain('recovered an interrupted batch: not in the lake, it will be written again');
    expect(w.lines()).toEqual(w.expected());
  });
});
