// Late events: 10 % of the events become visible two hours after their time. A later run re-checks the closed
// hours, appends each late event exactly once as a new part of its hour, and writes the hour's next manifest
// revision — SIGKILLed at every storage step of that run, or not.
import { FaultInjector, SimulatedCrash } from '../../src/adapters/memory/faults';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { RunSummary } from '../../src/windows/runSummary';
import { checkLakeManifests } from '../support/lakeManifests';
import { HostileSource, eventJson, eventsAt, type StoredEvent } from '../support/hostileSource';
import { partLines } from '../support/partLines';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const FIRST = new Date(T0 + 3.5 * 3600_000);
const LATER = new Date(T0 + 6 * 3600_000);
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

const events = eventsAt(T0, 3 * 3600_000, 200);
const late = new Set(events.filter((_, i) => i % 10 === 3).map((e) => e.id));
const visibleAt = (e: StoredEvent) => (late.has(e.id) ? e.t + 2 * 3600_000 : e.t);

function world() {
  const clock = new ManualClock(FIRST);
  const source = new HostileSource(events, { visibleAt, now: () => clock.now().getTime() });
  return { clock, source, blob: new MemoryCheckpointBlob(clock), lake: new MemoryLake(), ledger: new MemoryIdLedger() };
}
type World = ReturnType<typeof world>;

async function run(w: World, faults = new FaultInjector()): Promise<RunSummary | SimulatedCrash> {
  try {
    return await exportUnderLease(
      { source: w.source, lake: w.lake.connect({ faults }), store: new MemoryCheckpointStore({ clock: w.clock, blob: w.blob, faults }), ledger: w.ledger.connect({ faults }), clock: w.clock, logger: quiet },
      { root: 'audit', configId: 'test', pageSize: 15, lagSeconds: 300, exportStart: new Date(T0), fileMaxBytes: 1 << 20, batchMaxBytes: 900, timeBudgetMs: 3600_000, recheckHours: 72, abortSignal: new AbortController().signal },
    );
  } catch (error) {
    if (error instanceof SimulatedCrash) return error;
    throw error;
  }
}

const lines = (lake: MemoryLake) =>
  partLines(lake);
const expected = events.map((e) => JSON.stringify(eventJson(e))).sort();

describe('late events and the re-check of closed hours', () => {
  it('the first run misses the late events of hours 1 and 2 without a word (they are not visible yet); the later run appends them once, as new parts, with new manifest revisions', async () => {
    const w = world();
    const first = (await run(w)) as RunSummary;
    expect(first.status).toBe('caught-up');
    const missing = expected.filter((l) => !lines(w.lake).includes(l));
    expect(missing.length).toBeGreaterThan(5);
    await w.clock.advance(LATER.getTime() - FIRST.getTime());
    const second = (await run(w)) as RunSummary;
    expect(second.status).toBe('caught-up');
    expect(second.recheck).toMatchObject({ lateFound: missing.length, lateAppended: missing.length });
    expect([...lines(w.lake)].sort()).toEqual(expected);
    // New part files, never a changed one; the hours re-checked got revision 2 on the same chain.
    expect(w.lake.paths().filter((p) => p.endsWith('part-0001.ndjson')).length).toBe(second.recheck!.hours.length);
    const { chain, problems } = checkLakeManifests(w.lake);
    expect(problems).toEqual([]);
    expect(chain.filter((c) => c.manifest.revision === 2).map((c) => c.manifest.hour)).toEqual(second.recheck!.hours.map((h) => h.hour));
    // A third run finds nothing to add and writes nothing.
    const paths = w.lake.paths().length;
    const third = (await run(w)) as RunSummary;
    expect(third.recheck).toMatchObject({ lateFound: 0, lateAppended: 0 });
    expect(w.lake.paths().length).toBe(paths);
  });

  it('a quiet horizon costs one small request per hour and no reads of the ledger or the lake; hours past the horizon are dropped', async () => {
    const w = world();
    await w.clock.advance(LATER.getTime() - FIRST.getTime()); // every event visible: nothing late
    const once = async (recheckHours: number) => {
      const faults = new FaultInjector();
      const asked = w.source.asked.length;
      const summary = (await exportUnderLease(
        { source: w.source, lake: w.lake.connect({ faults }), store: new MemoryCheckpointStore({ clock: w.clock, blob: w.blob, faults }), ledger: w.ledger.connect({ faults }), clock: w.clock, logger: quiet },
        { root: 'audit', configId: 'test', pageSize: 15, lagSeconds: 300, exportStart: new Date(T0), fileMaxBytes: 1 << 20, batchMaxBytes: 900, timeBudgetMs: 3600_000, recheckHours, abortSignal: new AbortController().signal },
      )) as RunSummary;
      return { summary, requests: w.source.asked.slice(asked), ledgerReads: faults.log.filter((op) => op.name === 'load' && op.port === 'checkpoint' && op.path !== undefined) };
    };
    await once(3);
    await w.clock.advance(3600_000);
    const calm = await once(3);
    const recent = decodeCheckpoint(w.blob.read()!).recent!;
    // The horizon keeps the last 3 closed hours, and the ledger nothing older.
    expect(recent.map((r) => r.record.hour)).toEqual([3, 4, 5].map((h) => new Date(T0 + h * 3600_000).toISOString()));
    expect([...w.ledger.segments.keys()].every((k) => k.split('/')[0]! >= recent[0]!.record.hour)).toBe(true);
    expect(calm.summary.recheck).toMatchObject({ hoursChecked: 3, lateFound: 0, lateAppended: 0 });
    // One count request per re-checked hour (size 1), besides the new windows' own requests; no ledger read.
    const wholeHour = (r: { window: { start: Date; end: Date } }) => r.window.end.getTime() - r.window.start.getTime() === 3600_000;
    expect(calm.requests.filter((r) => r.size === 1 && wholeHour(r))).toHaveLength(3);
    expect(calm.ledgerReads).toEqual([]);
  });

  it('a re-check out of time stops part-way, saving where it stood; the next run finishes it, every event once', async () => {
    // A clock that moves a second at every reading; the smallest budget that runs out inside an hour's re-read.
    const attempt = async (budgetMs: number) => {
      const w = world();
      await run(w);
      await w.clock.advance(LATER.getTime() - FIRST.getTime());
      let ticks = 0;
      const ticking = { now: () => new Date(w.clock.now().getTime() + 1000 * ticks++), sleep: (ms: number, signal: AbortSignal) => w.clock.sleep(ms, signal), every: (ms: number, tick: () => void) => w.clock.every(ms, tick) };
      const faults = new FaultInjector();
      const summary = await exportUnderLease(
        { source: w.source, lake: w.lake.connect({ faults }), store: new MemoryCheckpointStore({ clock: w.clock, blob: w.blob, faults }), ledger: w.ledger.connect({ faults }), clock: ticking, logger: quiet },
        { root: 'audit', configId: 'test', pageSize: 15, lagSeconds: 300, exportStart: new Date(T0), fileMaxBytes: 1 << 20, batchMaxBytes: 900, timeBudgetMs: budgetMs, recheckHours: 72, abortSignal: new AbortController().signal },
      );
      return { w, summary, midway: decodeCheckpoint(w.blob.read()!).recheck?.cursor !== undefined };
    };
    let stopped: Awaited<ReturnType<typeof attempt>> | undefined;
    for (let budget = 1_000; budget <= 400_000 && !stopped?.midway; budget += 1_000) stopped = await attempt(budget);
    expect(stopped?.midway).toBe(true);
    const { w, summary } = stopped!;
    expect(summary.recheck!.lateAppended).toBeLessThan(summary.recheck!.lateFound);
    await w.clock.advance(61_000);
    const finished = (await run(w)) as RunSummary;
    expect(finished.status).toBe('caught-up');
    const got = lines(w.lake);
    expect(got.length).toBe(new Set(got).size);
    expect([...got].sort()).toEqual(expected);
    expect(checkLakeManifests(w.lake).problems).toEqual([]);
  });

  it('SIGKILLed at every storage step of the re-checking run: every event once, manifests true, one chain', async () => {
    // How many steps the re-checking run takes.
    const probe = world();
    await run(probe);
    await probe.clock.advance(LATER.getTime() - FIRST.getTime());
    const counting = new FaultInjector();
    await run(probe, counting);
    const steps = counting.log.length;
    let crashed = 0;
    for (let at = 1; at <= steps; at++) {
      for (const after of [false, true]) {
        const w = world();
        await run(w);
        await w.clock.advance(LATER.getTime() - FIRST.getTime());
        const faults = new FaultInjector();
        faults.failNext(at, { type: 'crash', after });
        let outcome = await run(w, faults);
        for (let again = 0; outcome instanceof SimulatedCrash && again < 5; again++) {
          crashed++;
          await w.clock.advance(61_000);
          outcome = await run(w);
        }
        expect(outcome).toMatchObject({ status: 'caught-up' });
        const got = lines(w.lake);
        expect({ at, after, duplicated: got.length - new Set(got).size }).toEqual({ at, after, duplicated: 0 });
        expect({ at, after, lines: [...got].sort() }).toEqual({ at, after, lines: expected });
        const { chain, problems } = checkLakeManifests(w.lake);
        expect({ at, after, problems }).toEqual({ at, after, problems: [] });
        expect(decodeCheckpoint(w.blob.read()!).chain?.head).toBe(chain.at(-1)!.sha256);
      }
    }
    expect(crashed).toBeGreaterThan(steps);
  });

  it('an hour the API now counts fewer events for is reported with how many, the lake left as it is; an hour it cannot count now is counted next run', async () => {
    const held = events.map((e) => ({ ...e }));
    let uncountable: number | undefined; // the end of the hour whose count request fails
    const source = new HostileSource(held, {
      beforeAnswer: (_, __, request) => {
        if (request.size === 1 && request.to.getTime() === uncountable) throw new Error('503 ServerBusy (simulated)');
      },
    });
    const w = { ...world(), source };
    expect(await run(w)).toMatchObject({ status: 'caught-up' });
    const exported = lines(w.lake);
    held.splice(held.findIndex((e) => e.id === 'e00010'), 2); // two events of hour 0 the API no longer holds
    uncountable = T0 + 2 * 3600_000;
    await w.clock.advance(600_000);
    const second = (await run(w)) as RunSummary;
    expect(second.recheck).toMatchObject({ hoursChecked: 3, hoursUnverified: 1, lateFound: 0, lateAppended: 0, countDown: [{ hour: new Date(T0).toISOString(), fewer: 2 }] });
    expect(lines(w.lake)).toEqual(exported);
    uncountable = undefined;
    await w.clock.advance(600_000);
    const third = (await run(w)) as RunSummary;
    expect(third.recheck).toMatchObject({ hoursChecked: 3, hoursUnverified: 0, countDown: [{ hour: new Date(T0).toISOString(), fewer: 2 }] });
  });
});
