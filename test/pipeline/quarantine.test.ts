// Events that cannot be placed (a leap second, a numeric or empty id, a time without a zone, no time) on the
// in-memory pair: each is kept byte for byte in a quarantine file of the hour of the window it was served in, listed
// once in that hour's manifest, and the run goes on and ends `incomplete`; killed at every storage step, the runs
// that follow leave every readable event exactly once in the hour files and every unreadable one exactly once in
// quarantine. With EXPORT_INVALID_EVENTS=stop the answer is refused, as before.
import { createHash } from 'node:crypto';
import { FaultInjector, SimulatedCrash } from '../../src/adapters/memory/faults';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { QUARANTINE_MAX_PER_HOUR, QUARANTINE_WRITES_AT_ONCE } from '../../src/config/defaults';
import { hasCode } from '../../src/errors';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { Manifest } from '../../src/manifest/manifest';
import type { LakeWriter } from '../../src/ports/lakeWriter';
import type { Logger } from '../../src/ports/logger';
import type { RunOptions } from '../../src/windows/runOptions';
import type { RunSummary } from '../../src/windows/runSummary';
import { seededRandom } from '../../dev/seededRandom';
import { checkLakeManifests } from '../support/lakeManifests';
import { HostileSource, eventJson, eventsAt, type Hostility, type StoredEvent } from '../support/hostileSource';
import { quarantineName } from '../../src/lake/layout';
import { partLines } from '../support/partLines';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const NOW = new Date(T0 + 3.5 * 3600_000);
const CLOSED_HOURS = [0, 1, 2].map((h) => new Date(T0 + h * 3600_000).toISOString());
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** How each unreadable event is served: the reasons a manifest gives for them. */
const UNREADABLE: Record<string, [string, (json: Record<string, unknown>) => Record<string, unknown>]> = {
  e00011: ['leap-second', (j) => ({ ...j, eventTimestamp: String(j.eventTimestamp).replace(/:\d\d\.\d{3}Z$/, ':60Z') })],
  // Amid an instant (ties of two): its neighbour at the same time is written, once.
  e00040: ['id', (j) => ({ ...j, id: 40 })],
  e00101: ['time', (j) => ({ ...j, eventTimestamp: String(j.eventTimestamp).replace(/Z$/, '') })],
  // Two at one instant, near the end of the second hour; one at the first hour's last instant.
  e00150: ['no-time', ({ eventTimestamp: _gone, ...j }) => j],
  e00151: ['id', (j) => ({ ...j, id: '' })],
  e00074: ['no-time', ({ eventTimestamp: _gone, ...j }) => j],
};

const serve = (e: StoredEvent, json: Record<string, unknown>) => UNREADABLE[e.id]?.[1](json) ?? json;

function population(): StoredEvent[] {
  return eventsAt(T0, 3 * 3600_000, 225, 2).sort((a, b) => a.t - b.t || (a.id < b.id ? -1 : 1));
}

interface World {
  clock: ManualClock;
  blob: MemoryCheckpointBlob;
  lake: MemoryLake;
  source: HostileSource;
}

const options = (extra: Partial<RunOptions> = {}): RunOptions => ({
  root: 'audit',
  configId: 'test',
  pageSize: 10,
  lagSeconds: 300,
  exportStart: new Date(T0),
  fileMaxBytes: 4096,
  batchMaxBytes: 600,
  timeBudgetMs: 3600_000,
  abortSignal: new AbortController().signal,
  ...extra,
});

function world(hostility: Hostility = {}, events = population()): World {
  const clock = new ManualClock(NOW);
  return { clock, blob: new MemoryCheckpointBlob(clock), lake: new MemoryLake(), source: new HostileSource(events, { serve, ...hostility }, seededRandom(3)) };
}

async function runOnce(w: World, faults: FaultInjector, extra: Partial<RunOptions> = {}, wrap?: (lake: LakeWriter) => LakeWriter): Promise<RunSummary | SimulatedCrash> {
  const connected = w.lake.connect({ faults });
  const lake = wrap ? wrap(connected) : connected;
  const store = new MemoryCheckpointStore({ clock: w.clock, blob: w.blob, faults });
  try {
    return await exportUnderLease({ source: w.source, lake, store, clock: w.clock, logger: quiet }, options(extra));
  } catch (error) {
    if (error instanceof SimulatedCrash) return error;
    throw error;
  }
}

async function exportWithCrash(w: World, crashAt: number, after: boolean): Promise<{ crashed: boolean; summaries: RunSummary[] }> {
  let crashed = false;
  const summaries: RunSummary[] = [];
  for (let run = 0; run < 20; run++) {
    const faults = new FaultInjector();
    if (run === 0) faults.failNext(crashAt, { type: 'crash', after });
    const outcome = await runOnce(w, faults);
    if (outcome instanceof SimulatedCrash) {
      crashed = true;
      await w.clock.advance(61_000);
      continue;
    }
    summaries.push(outcome);
    if (outcome.status === 'caught-up' || outcome.status === 'incomplete') return { crashed, summaries };
  }
  throw new Error('not caught up after 20 runs');
}

const exported = (w: World) => w.source.events.filter((e) => e.t < NOW.getTime() - 300_000);
const expectedLines = (w: World) => exported(w).filter((e) => !UNREADABLE[e.id]).map((e) => JSON.stringify(eventJson(e))).sort();
const expectedQuarantine = (w: World) => exported(w).filter((e) => UNREADABLE[e.id]).map((e) => `${JSON.stringify(serve(e, eventJson(e) as Record<string, unknown>))}\n`).sort();

function quarantineIn(lake: MemoryLake): string[] {
  return lake.paths().filter((p) => p.includes('/_quarantine/')).map((p) => lake.read(p)!.toString('utf8')).sort();
}

function manifestsOf(lake: MemoryLake): Manifest[] {
  return lake.paths().filter((p) => p.includes('/_manifests/')).map((p) => JSON.parse(lake.read(p)!.toString('utf8')) as Manifest);
}

describe('events that cannot be placed go to quarantine, exactly once', () => {
  it('a clean run: readable events in the hour files, each unreadable one in a quarantine file its hour lists, the run incomplete', async () => {
    const w = world();
    const summary = await runOnce(w, new FaultInjector());
    if (summary instanceof SimulatedCrash) throw summary;
    expect(summary.status).toBe('incomplete');
    expect(summary.source).toMatchObject({ quarantined: 6, missing: 0, countBelowExported: 0 });
    expect(summary.source.quarantinedHours).toEqual([
      { hour: CLOSED_HOURS[0], events: 3 },
      { hour: CLOSED_HOURS[1], events: 3 },
    ]);
    expect(partLines(w.lake).sort()).toEqual(expectedLines(w));
    expect(quarantineIn(w.lake)).toEqual(expectedQuarantine(w));
    const { problems } = checkLakeManifests(w.lake);
    expect(problems).toEqual([]);
    // Each file named by the sha256 of its value (its line parsed and written compactly again), listed with its
    // reason and the sha256 of its bytes by the hour of the window that served it.
    const listed = manifestsOf(w.lake).flatMap((m) => (m.quarantine ?? []).map((q) => ({ hour: m.hour, ...q })));
    expect(listed).toHaveLength(6);
    for (const q of listed) {
      const bytes = w.lake.read(q.path)!;
      expect(q.path).toBe(`audit/_quarantine/year=2026/month=06/day=01/hour=${q.hour.slice(11, 13)}/event-${quarantineName(bytes)}.ndjson`);
      expect(q).toMatchObject({ bytes: bytes.length, events: 1, sha256: sha(bytes) });
      const served = w.source.events.find((e) => `${JSON.stringify(serve(e, eventJson(e) as Record<string, unknown>))}\n` === bytes.toString('utf8'))!;
      expect(q.reason).toBe(UNREADABLE[served.id]![0]);
    }
    // The API counts them, and they are kept: no hour is short, and the counts in the records include them.
    expect(decodeCheckpoint(w.blob.read()!).noticed).toBeUndefined();
    expect(summary.warnings).toEqual(['6 events could not be placed (no valid time or id) and are kept in ADLS_PATH/_quarantine, listed in their hours\' manifests, not in the hour files']);
    expect(decodeCheckpoint(w.blob.read()!).quarantineUnseen).toBeUndefined();

    // Seen once: the next run has nothing new and is caught up.
    await w.clock.advance(60_000);
    const again = await runOnce(w, new FaultInjector());
    expect(again).toMatchObject({ status: 'caught-up' });
    expect(quarantineIn(w.lake)).toEqual(expectedQuarantine(w));
  });

  it('SIGKILLed at every storage step, before it or just after it took effect: each event once, in the hour files or in quarantine', async () => {
    const clean = world();
    const faults = new FaultInjector();
    expect(await runOnce(clean, faults)).toMatchObject({ status: 'incomplete' });
    const steps = faults.log.length;
    // The run's last checkpoint save: the one that records it has reported what it kept in quarantine.
    const lastSave = faults.log.map((op) => op.name).lastIndexOf('save') + 1;
    expect(faults.log.filter((op) => op.path?.includes('/_quarantine/')).length).toBeGreaterThanOrEqual(6);
    let crashes = 0;
    for (let at = 1; at <= steps; at++) {
      for (const after of [false, true]) {
        const w = world();
        const { crashed, summaries } = await exportWithCrash(w, at, after);
        if (crashed) crashes++;
        const lines = partLines(w.lake);
        expect({ at, after, lines: [...lines].sort() }).toEqual({ at, after, lines: expectedLines(w) });
        expect({ at, after, quarantine: quarantineIn(w.lake) }).toEqual({ at, after, quarantine: expectedQuarantine(w) });
        const { chain, problems } = checkLakeManifests(w.lake);
        expect({ at, after, problems }).toEqual({ at, after, problems: [] });
        expect(chain.map((c) => c.manifest.hour)).toEqual(CLOSED_HOURS);
        expect(chain.flatMap((c) => c.manifest.quarantine ?? [])).toHaveLength(6);
        for (const s of summaries) expect(s.source.missing).toBe(0);
        // Never counted twice over the runs that kept them; and the run that is caught up reports all six, even those
        // a killed run kept and recorded (unless that run was killed only in its very last save, once it had logged them).
        const told = summaries.reduce((n, s) => n + (s.source.quarantined ?? 0), 0);
        expect({ at, after, told: told <= 6 }).toEqual({ at, after, told: true });
        if (at >= lastSave && (after || at > lastSave)) continue;
        expect({ at, after, status: summaries.at(-1)!.status, warnings: summaries.at(-1)!.warnings }).toEqual({
          at, after, status: 'incomplete', warnings: [expect.stringMatching(/^6 events could not be placed \(no valid time or id\) and are kept in ADLS_PATH\/_quarantine/)],
        });
        expect(decodeCheckpoint(w.blob.read()!).quarantineUnseen).toBeUndefined();
      }
    }
    expect(crashes).toBeGreaterThan(steps);
  });

  it('a run that stops before it is caught up keeps the count; the run that catches up reports them all, once', async () => {
    const w = world();
    const first = await runOnce(w, new FaultInjector(), { maxWindows: 1 });
    expect(first).toMatchObject({ status: 'window-limit', source: { quarantined: 3 } });
    expect(decodeCheckpoint(w.blob.read()!).quarantineUnseen).toBe(3);
    const second = await runOnce(w, new FaultInjector());
    expect(second).toMatchObject({ status: 'incomplete', source: { quarantined: 3 }, warnings: [expect.stringMatching(/^6 events could not be placed/)] });
    expect(decodeCheckpoint(w.blob.read()!).quarantineUnseen).toBeUndefined();
    expect(await runOnce(w, new FaultInjector())).toMatchObject({ status: 'caught-up' });
  });

  it('with EXPORT_INVALID_EVENTS=stop, the answer is refused (retryable) and nothing passes the event', async () => {
    const w = world();
    const refused = runOnce(w, new FaultInjector(), { invalidEvents: 'stop' });
    await expect(refused).rejects.toMatchObject({ code: 'InvalidPage', kind: 'retryable' });
    await expect(refused).rejects.toThrow(/event \d+ \(id e00011\) has no valid time \("2026-06-01T00:\d\d:60Z"\)/);
    expect(quarantineIn(w.lake)).toEqual([]);
    const stored = w.blob.read();
    const watermark = stored ? Date.parse(decodeCheckpoint(stored).watermark) : T0;
    expect(watermark).toBeLessThanOrEqual(w.source.events.find((e) => e.id === 'e00011')!.t);
    expect(partLines(w.lake).map((l) => (JSON.parse(l) as { id: string }).id)).not.toContain('e00012');
  });

  it('with stop, a numeric id is refused naming the id as the problem', async () => {
    const w = world({ serve: (e, j) => (e.id === 'e00003' ? { ...j, id: 3 } : j) });
    await expect(runOnce(w, new FaultInjector(), { invalidEvents: 'stop' })).rejects.toThrow(/event \d+ has no usable "id" \(3\): it must be a non-empty string/);
  });

  it('an answer of many unreadable events writes a few at a time, all of them, each once', async () => {
    const events = eventsAt(T0, 3600_000, 120, 1);
    const w = world({ serve: (e, j) => (Number(e.id.slice(1)) % 3 === 0 ? j : { ...j, id: Number(e.id.slice(1)) }) }, events);
    let inFlight = 0;
    let most = 0;
    const wrap = (lake: LakeWriter): LakeWriter => ({
      createFile: async (path, opts) => {
        if (!path.includes('/_quarantine/')) return lake.createFile(path, opts);
        most = Math.max(most, ++inFlight);
        try {
          await new Promise((resolve) => setImmediate(resolve));
          return await lake.createFile(path, opts);
        } finally {
          inFlight--;
        }
      },
      append: (path, data, position, opts) => lake.append(path, data, position, opts),
      flush: (path, position, opts) => lake.flush(path, position, opts),
    });
    const summary = await runOnce(w, new FaultInjector(), { pageSize: 100 }, wrap);
    if (summary instanceof SimulatedCrash) throw summary;
    expect(summary.source.quarantined).toBe(80);
    expect(most).toBeGreaterThan(1);
    expect(most).toBeLessThanOrEqual(QUARANTINE_WRITES_AT_ONCE);
    expect(quarantineIn(w.lake)).toHaveLength(80);
    expect(partLines(w.lake)).toHaveLength(40);
    expect(checkLakeManifests(w.lake).problems).toEqual([]);
  });

  it('more unreadable events in one hour than QUARANTINE_MAX_PER_HOUR: an API this exporter does not read; the run stops, saying so', async () => {
    const events = eventsAt(T0, 3600_000, QUARANTINE_MAX_PER_HOUR + 20, 1);
    const w = world({ serve: (e, j) => ({ ...j, id: Number(e.id.slice(1)) }) }, events);
    const error = await runOnce(w, new FaultInjector(), { pageSize: 200 }).then(() => undefined, (e: unknown) => e);
    expect(hasCode(error, 'QuarantineFull')).toBe(true);
    expect((error as Error).message).toMatch(/^more than 1000 events of hour 2026-06-01T00:00:00.000Z cannot be placed \(the latest: id\): .* check AUDIT_API_KIND/);
    // Stuck loudly, never past them: the next run stops at the same place.
    const stored = w.blob.read();
    expect(stored ? decodeCheckpoint(stored).watermark : new Date(T0).toISOString()).toBe(new Date(T0).toISOString());
  });

  it('a quarantine file that exists with other bytes stops the run, naming it', async () => {
    const w = world();
    const e = w.source.events.find((x) => x.id === 'e00011')!;
    const bytes = Buffer.from(`${JSON.stringify(serve(e, eventJson(e) as Record<string, unknown>))}\n`);
    const path = `audit/_quarantine/year=2026/month=06/day=01/hour=00/event-${quarantineName(bytes)}.ndjson`;
    const foreign = w.lake.connect();
    await foreign.createFile(path, { abortSignal: new AbortController().signal });
    await foreign.append(path, Buffer.from('forged\n'), 0, { abortSignal: new AbortController().signal });
    await foreign.flush(path, 7, { abortSignal: new AbortController().signal });
    const error = await runOnce(w, new FaultInjector()).then(() => undefined, (e: unknown) => e);
    expect(hasCode(error, 'QuarantinePathTaken')).toBe(true);
    expect((error as Error).message).toContain(path);
  });
});

describe('quarantine and the re-check of closed hours', () => {
  const FIRST = new Date(T0 + 3.5 * 3600_000);
  const LATER = new Date(T0 + 6 * 3600_000);
  const events = eventsAt(T0, 3 * 3600_000, 200);
  const late = new Set(events.filter((_, i) => i % 10 === 3).map((e) => e.id));
  // Unreadable: two visible at once, and two late ones (found by the re-check).
  const bad = new Set(['e00010', 'e00120', 'e00153', 'e00173']);
  const serveBad = (e: StoredEvent, j: Record<string, unknown>) => (bad.has(e.id) ? { ...j, id: Number(e.id.slice(1)) } : j);
  const served = (e: StoredEvent) => JSON.stringify(serveBad(e, eventJson(e) as Record<string, unknown>));

  function lateWorld() {
    const clock = new ManualClock(FIRST);
    const source = new HostileSource(events, { serve: serveBad, visibleAt: (e) => (late.has(e.id) ? e.t + 2 * 3600_000 : e.t), now: () => clock.now().getTime() });
    return { clock, source, blob: new MemoryCheckpointBlob(clock), lake: new MemoryLake(), ledger: new MemoryIdLedger() };
  }
  type LateWorld = ReturnType<typeof lateWorld>;
  async function lateRun(w: LateWorld, faults = new FaultInjector()): Promise<RunSummary | SimulatedCrash> {
    try {
      return await exportUnderLease(
        { source: w.source, lake: w.lake.connect({ faults }), store: new MemoryCheckpointStore({ clock: w.clock, blob: w.blob, faults }), ledger: w.ledger.connect({ faults }), clock: w.clock, logger: quiet },
        options({ pageSize: 15, fileMaxBytes: 1 << 20, batchMaxBytes: 900, recheckHours: 72 }),
      );
    } catch (error) {
      if (error instanceof SimulatedCrash) return error;
      throw error;
    }
  }

  it('the re-check keeps a late unreadable event in quarantine once, lists the earlier ones once in the new revision, SIGKILLed anywhere or not', async () => {
    const goodLines = events.filter((e) => !bad.has(e.id)).map(served).sort();
    const badFiles = events.filter((e) => bad.has(e.id)).map((e) => `${served(e)}\n`).sort();
    const prepared = async () => {
      const w = lateWorld();
      expect(await lateRun(w)).toMatchObject({ status: 'incomplete', source: { quarantined: 2, missing: 0 } });
      await w.clock.advance(LATER.getTime() - FIRST.getTime());
      return w;
    };
    const clean = await prepared();
    const faults = new FaultInjector();
    const second = await lateRun(clean, faults);
    if (second instanceof SimulatedCrash) throw second;
    expect(second).toMatchObject({ status: 'incomplete', source: { quarantined: 2 } });
    expect(second.recheck!.lateFound).toBeGreaterThan(5);
    expect(partLines(clean.lake).sort()).toEqual(goodLines);
    expect(quarantineIn(clean.lake)).toEqual(badFiles);
    const steps = faults.log.length;
    for (let at = 1; at <= steps; at++) {
      for (const after of [false, true]) {
        const w = await prepared();
        const f = new FaultInjector();
        f.failNext(at, { type: 'crash', after });
        for (let run = 0, outcome = await lateRun(w, f); run < 10; run++) {
          if (!(outcome instanceof SimulatedCrash)) break;
          await w.clock.advance(61_000);
          outcome = await lateRun(w);
        }
        expect({ at, after, lines: partLines(w.lake).sort() }).toEqual({ at, after, lines: goodLines });
        expect({ at, after, quarantine: quarantineIn(w.lake) }).toEqual({ at, after, quarantine: badFiles });
        const { chain, problems } = checkLakeManifests(w.lake);
        expect({ at, after, problems }).toEqual({ at, after, problems: [] });
        // The latest revision of each hour lists its quarantined events, each once, all four in all.
        const latest = new Map<string, Manifest>();
        for (const { manifest } of chain) latest.set(manifest.hour, manifest);
        expect({ at, after, listed: [...latest.values()].flatMap((m) => m.quarantine ?? []).length }).toEqual({ at, after, listed: 4 });
      }
    }
  });
});
