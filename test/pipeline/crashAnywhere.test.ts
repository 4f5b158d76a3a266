// The whole export (windows → pages → batches → delivery → checkpoint) on the in-memory lake and checkpoint store,
// against an audit search that misbehaves, SIGKILLed at every storage step in turn: after the runs that follow, the
// lake holds every event of every closed window exactly once. In memory, so every step can be hit in milliseconds;
// the same rules hold for the Azure adapters by the contract suite (test/contract).
import { FaultInjector, SimulatedCrash } from '../../src/adapters/memory/faults';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { RunOptions } from '../../src/windows/runOptions';
import type { RunSummary } from '../../src/windows/runSummary';
import type { Logger } from '../../src/ports/logger';
import { seededRandom } from '../../dev/seededRandom';
import { checkLakeManifests } from '../support/lakeManifests';
import { HostileSource, eventJson, eventsAt, type Hostility, type StoredEvent } from '../support/hostileSource';
import { partLines } from '../support/partLines';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const NOW = new Date(T0 + 3.5 * 3600_000);
/** The hours that end before now − lag: each gets its manifest; the fourth is still open. */
const CLOSED_HOURS = [0, 1, 2].map((h) => new Date(T0 + h * 3600_000).toISOString());
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function population(tie: number): StoredEvent[] {
  // Three hours, the second without events (its manifest is written without a batch), ties of `tie`, and one
  // instant crowded beyond a page.
  const crowd = Array.from({ length: 25 }, (_, i) => ({ id: `crowd-${String(i).padStart(2, '0')}`, t: T0 + 9000_000 + 3 }));
  const quietHour = (e: StoredEvent) => e.t < T0 + 3600_000 || e.t >= T0 + 7200_000;
  return [...eventsAt(T0, 3 * 3600_000, 225, tie).filter(quietHour), ...crowd].sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
}

interface World {
  clock: ManualClock;
  blob: MemoryCheckpointBlob;
  lake: MemoryLake;
  source: HostileSource;
}

const options = (pageSize: number): RunOptions => ({
  root: 'audit',
  configId: 'test',
  pageSize,
  lagSeconds: 300,
  exportStart: new Date(T0),
  fileMaxBytes: 4096,
  batchMaxBytes: 600,
  timeBudgetMs: 3600_000,
  abortSignal: new AbortController().signal,
});

/** One run as its own process: its own clients and faults over the shared lake and checkpoint blob. */
async function runOnce(world: World, faults: FaultInjector): Promise<RunSummary | SimulatedCrash> {
  const pageSize = world.source.hostility.unstableTies ? 30 : 10;
  const lake = world.lake.connect({ faults });
  const store = new MemoryCheckpointStore({ clock: world.clock, blob: world.blob, faults });
  try {
    return await exportUnderLease({ source: world.source, lake, store, clock: world.clock, logger: quiet }, options(pageSize));
  } catch (error) {
    if (error instanceof SimulatedCrash) return error;
    throw error;
  }
}

/** Runs until caught up, the first run crashing at storage step `crashAt` (before it, or just after it took effect). */
async function exportWithCrash(world: World, crashAt: number | undefined, after: boolean): Promise<{ crashed: boolean; summary: RunSummary }> {
  let crashed = false;
  for (let run = 0; run < 20; run++) {
    const faults = new FaultInjector();
    if (run === 0 && crashAt !== undefined) faults.failNext(crashAt, { type: 'crash', after });
    const outcome = await runOnce(world, faults);
    if (outcome instanceof SimulatedCrash) {
      crashed = true;
      await world.clock.advance(61_000); // the killed run's lease expires
      continue;
    }
    if (outcome.status === 'caught-up' || outcome.status === 'incomplete') return { crashed, summary: outcome };
  }
  throw new Error('not caught up after 20 runs');
}

/** One scenario kills a run at every storage step of a clean export, before and after it: about 20 s on a quiet 2-core machine; room for one several times slower. */
const CRASH_EVERY_STEP_MS = 120_000;

// Pages of 10, so the crowded instant spans three; with ties in another order each time, pages of 30 hold it whole
// (no client can page an instant larger than a page whose order changes on every request: test/integration/hostileApi.ts).
const SCENARIOS: Array<[string, Hostility, number]> = [
  ['a page cap (3a)', { pageCap: 4 }, 2],
  ['ties in another order on each request (3b)', { unstableTies: true }, 3],
  ['minDate exclusive, maxDate inclusive (3c)', { minInclusive: false, maxInclusive: true }, 2],
  ['minDate exclusive, maxDate exclusive (3c)', { minInclusive: false }, 2],
  ['duplicates (3d)', { duplicated: new Set(['e00003', 'e00050', 'e00051', 'crowd-07']) }, 2],
  ['no count (3f)', { noCount: true }, 2],
];

describe.each([false, true])('the export on the in-memory pair, legacy records: %s', (legacy) => {
  describe.each(SCENARIOS)('%s', (_, hostility, tie) => {
    const events = population(tie);
    const expected = events.filter((e) => e.t < NOW.getTime() - 300_000).map((e) => JSON.stringify(eventJson(e, legacy)));
    const world = (): World => {
      const clock = new ManualClock(NOW);
      return { clock, blob: new MemoryCheckpointBlob(clock), lake: new MemoryLake(), source: new HostileSource(events.map((e) => ({ ...e })), { ...hostility, legacy }, seededRandom(tie)) };
    };

    it('SIGKILLed at every storage step, before it or just after it took effect: every event exactly once', async () => {
      // How many storage steps a clean export takes: each one is a place to die.
      const clean = world();
      const faults = new FaultInjector();
      expect(await runOnce(clean, faults)).toMatchObject({ status: 'caught-up' });
      const steps = faults.log.length;
      expect([...partLines(clean.lake)].sort()).toEqual([...expected].sort());

      let crashes = 0;
      for (let at = 1; at <= steps; at++) {
        for (const after of [false, true]) {
          const w = world();
          const { crashed, summary } = await exportWithCrash(w, at, after);
          if (crashed) crashes++;
          const lines = partLines(w.lake);
          expect({ at, after, duplicated: lines.length - new Set(lines).size }).toEqual({ at, after, duplicated: 0 });
          expect({ at, after, lines: [...lines].sort() }).toEqual({ at, after, lines: [...expected].sort() });
          expect(summary.source.missing).toBe(0);
          // Every closed hour has exactly one manifest, true to its files, all on one chain whose head the checkpoint holds.
          const { chain, problems } = checkLakeManifests(w.lake);
          expect({ at, after, problems }).toEqual({ at, after, problems: [] });
          expect(chain.map((c) => c.manifest.hour)).toEqual(CLOSED_HOURS);
          expect(decodeCheckpoint(w.blob.read()!).chain?.head).toBe(chain.at(-1)!.sha256);
        }
      }
      expect(crashes).toBeGreaterThan(steps); // nearly every step was a crash (the last ones may come after the work)
    }, CRASH_EVERY_STEP_MS);
  });
});
