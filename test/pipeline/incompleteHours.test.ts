// Hours found short stay `incomplete` run after run until they are not: the re-check appends what was missing, the
// API's count agrees again, or an operator acknowledges the hour. A re-check reads only hours whose batches are in.
import { FaultInjector } from '../../src/adapters/memory/faults';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { AuditAnswer, PageRequest } from '../../src/ports/auditSource';
import { ExportError } from '../../src/errors';
import { acknowledgeUnderLease } from '../../src/reset/acknowledgeHour';
import type { RunSummary } from '../../src/windows/runSummary';
import { checkLakeManifests } from '../support/lakeManifests';
import { HostileSource, eventJson, eventsAt, type Hostility, type StoredEvent } from '../support/hostileSource';
import { partLines } from '../support/partLines';

const HOUR = 3600_000;
const T0 = Date.parse('2026-07-01T00:00:00Z');
const START = new Date(T0 + 3.5 * HOUR);
const hourIso = (h: number) => new Date(T0 + h * HOUR).toISOString();

/** A source whose `count` for the windows of one hour is `extra` above what it serves. */
class OverCounting extends HostileSource {
  constructor(events: StoredEvent[], hostility: Hostility, private readonly hour: number, private readonly extra: number) {
    super(events, hostility);
  }
  override fetchAnswer<T>(request: PageRequest, read: (answer: AuditAnswer) => T, options: { abortSignal: AbortSignal }): Promise<T> {
    const inHour = request.from.getTime() >= T0 + this.hour * HOUR - 1 && request.to.getTime() <= T0 + (this.hour + 1) * HOUR;
    return super.fetchAnswer(request, (answer) => {
      if (!inHour) return read(answer);
      const body = JSON.parse(answer.body.toString('utf8')) as { count: number };
      return read({ ...answer, body: Buffer.from(JSON.stringify({ ...body, count: body.count + this.extra })) });
    }, options);
  }
}

function world(events: StoredEvent[], source?: (clock: ManualClock) => HostileSource) {
  const clock = new ManualClock(START);
  return { clock, events, source: source?.(clock) ?? new HostileSource(events), blob: new MemoryCheckpointBlob(clock), lake: new MemoryLake(), ledger: new MemoryIdLedger() };
}
type World = ReturnType<typeof world>;

/** A lake that takes a few milliseconds per flush, as a real one takes tens: batches are still in flight when the last window ends. */
function slowFlushes(): FaultInjector {
  const faults = new FaultInjector();
  faults.beforeOperation = (op) => (op.port === 'lake' && op.name === 'flush' ? { type: 'hold', until: new Promise((r) => setTimeout(r, 3)) } : undefined);
  return faults;
}

interface Logged {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

async function run(w: World): Promise<{ summary: RunSummary; logged: Logged[] }> {
  const logged: Logged[] = [];
  const logger = {
    info: (message: string, fields?: Record<string, unknown>) => void logged.push({ level: 'info', message, fields }),
    warn: (message: string, fields?: Record<string, unknown>) => void logged.push({ level: 'warn', message, fields }),
    error: (message: string, fields?: Record<string, unknown>) => void logged.push({ level: 'error', message, fields }),
  };
  const summary = await exportUnderLease(
    { source: w.source, lake: w.lake.connect({ faults: slowFlushes() }), store: new MemoryCheckpointStore({ clock: w.clock, blob: w.blob }), ledger: w.ledger.connect(), clock: w.clock, logger },
    { root: 'audit', configId: 'test', pageSize: 15, lagSeconds: 300, exportStart: new Date(T0), fileMaxBytes: 1 << 20, batchMaxBytes: 900, timeBudgetMs: HOUR, recheckHours: 72, abortSignal: new AbortController().signal },
  );
  return { summary, logged };
}

const stored = (w: World) => decodeCheckpoint(w.blob.read()!);
const acknowledge = (w: World, hour: string) =>
  acknowledgeUnderLease(new MemoryCheckpointStore({ clock: w.clock, blob: w.blob }), { hour, by: 'ops@test', at: w.clock.now(), abortSignal: new AbortController().signal });
const lines = (lake: MemoryLake): string[] =>
  partLines(lake).sort();
const expectedOf = (events: StoredEvent[]) => events.map((e) => JSON.stringify(eventJson(e))).sort();

/** 100 events an hour over three hours, and 40 more at one instant of hour 2 (the last closed one): more than a page. */
function crowded(): StoredEvent[] {
  const at = T0 + 2 * HOUR + 1234;
  return [...eventsAt(T0, 3 * HOUR, 300), ...Array.from({ length: 40 }, (_, i) => ({ id: `crowd${String(i).padStart(3, '0')}`, t: at }))];
}

describe('re-checks see committed hours only', () => {
  it('an instant crowded past a page, reordered on every request: the re-check in the same run reads the last hour once its batches are in, and says what is still missing', async () => {
    const w = world(crowded(), () => new HostileSource(crowded(), { unstableTies: true }));
    const { summary, logged } = await run(w);
    expect(summary.status).toBe('incomplete');
    const short = stored(w).noticed!;
    expect(short.map((n) => n.hour)).toEqual([hourIso(2)]);
    expect(summary.noticed).toEqual(short);
    expect(summary.recheck!.short).toEqual([{ hour: hourIso(2), missing: short[0]!.missing }]);
    expect(logged.filter((l) => l.level === 'warn' && /re-check: the audit API counts events of closed hours that are not in the lake/.test(l.message))).toHaveLength(1);
    const got = lines(w.lake);
    expect(got.length).toBe(new Set(got).size);
    expect(got.length + short[0]!.missing).toBe(340);
    expect(checkLakeManifests(w.lake).problems).toEqual([]);
    // Every part file and manifest revision a log line names is in the lake.
    for (const l of logged.filter((x) => x.message.startsWith('re-check: late events appended'))) expect(w.lake.read(l.fields!.file as string)).toBeDefined();
  });

  it('a count of true + 5 for the last hour: the re-check in the same run finds nothing to append and the hour stays noticed, run after run, until acknowledged', async () => {
    const events = eventsAt(T0, 3 * HOUR, 300);
    const w = world(events, () => new OverCounting(events, {}, 2, 5));
    const first = await run(w);
    expect(first.summary.status).toBe('incomplete');
    expect(first.summary.recheck).toMatchObject({ lateFound: 5, lateAppended: 0, short: [{ hour: hourIso(2), missing: 5 }] });
    expect(lines(w.lake)).toEqual(expectedOf(events));
    await w.clock.advance(HOUR);
    const second = await run(w);
    // Still short by the latest count, counted again in this run.
    expect(second.summary.status).toBe('incomplete');
    expect(stored(w).noticed).toEqual([{ hour: hourIso(2), missing: 5, noticedAt: START.toISOString(), countedAt: w.clock.now().toISOString() }]);
    const acked = await acknowledge(w, hourIso(2));
    expect(acked.acknowledged).toMatchObject({ hour: hourIso(2), missing: 5, by: 'ops@test' });
    await w.clock.advance(HOUR);
    const third = await run(w);
    expect(third.summary.status).toBe('caught-up');
    expect(third.summary).not.toHaveProperty('noticed');
    expect(stored(w).acknowledged).toEqual([acked.acknowledged]);
    expect(lines(w.lake)).toEqual(expectedOf(events));
  });
});

describe('an incomplete hour stays incomplete until it is not', () => {
  const events = eventsAt(T0, 3 * HOUR, 300);
  const late = new Set(events.filter((e, i) => e.t >= T0 + HOUR && e.t < T0 + 2 * HOUR && i % 3 === 0).map((e) => e.id));

  it('late events a re-check finds and cannot append keep the next runs incomplete, with the hour and numbers in summary, log and checkpoint, until a re-check appends them', async () => {
    const clock = new ManualClock(START);
    let visible = false;
    const source = new HostileSource(events, { visibleAt: (e) => (late.has(e.id) && !visible ? Infinity : e.t), now: () => clock.now().getTime() });
    const w = { ...world(events), clock, source, blob: new MemoryCheckpointBlob(clock) };
    expect((await run(w)).summary.status).toBe('caught-up');
    visible = true;
    await clock.advance(HOUR);
    // The hour's re-read is answered with a wait longer than the run has left: the late events are found, not appended.
    source.hostility.beforeAnswer = (_, __, request) => {
      const t = request.from.getTime();
      if (request.size > 1 && t >= T0 + HOUR - 1 && t < T0 + 2 * HOUR) throw new ExportError('WaitBeyondDeadline', 'the audit API asked to wait 3600 s (Retry-After), past the run\'s time budget', { kind: 'retryable' });
    };
    const second = await run(w);
    expect(second.summary.recheck).toMatchObject({ lateFound: late.size, lateAppended: 0, short: [{ hour: hourIso(1), missing: late.size }] });
    expect(second.summary.status).toBe('incomplete');
    expect(second.logged.some((l) => l.level === 'warn' && l.fields?.noticed === `${hourIso(1)}: ${late.size} missing (counted ${clock.now().toISOString()})`)).toBe(true);
    expect(stored(w).noticed).toMatchObject([{ hour: hourIso(1), missing: late.size }]);
    // A run that has the time appends them: the hour leaves noticed, the run is caught up, every event once.
    source.hostility.beforeAnswer = undefined;
    await clock.advance(HOUR);
    const third = await run(w);
    expect(third.summary.recheck).toMatchObject({ lateAppended: late.size, short: [] });
    expect(third.summary.status).toBe('caught-up');
    expect(stored(w)).not.toHaveProperty('noticed');
    expect(lines(w.lake)).toEqual(expectedOf(events));
    expect(checkLakeManifests(w.lake).problems).toEqual([]);
  });

  it('an hour noticed by an earlier run keeps a later run incomplete while it is short; a count that agrees again ends it', async () => {
    const clock = new ManualClock(START);
    const source = new OverCounting(events, {}, 1, 3);
    const w = { ...world(events), clock, source, blob: new MemoryCheckpointBlob(clock) };
    // Without re-checks nothing can clear the hour but an agreeing count or an acknowledgement.
    expect((await run(w)).summary.status).toBe('incomplete');
    await clock.advance(HOUR);
    const second = await run(w);
    expect(second.summary.status).toBe('incomplete');
    expect(second.summary.noticed).toMatchObject([{ hour: hourIso(1), missing: 3 }]);
    // The API's count agrees again: the re-check's count takes the hour out.
    (source as unknown as { extra: number }).extra = 0;
    await clock.advance(HOUR);
    const third = await run(w);
    expect(third.summary.status).toBe('caught-up');
    expect(stored(w)).not.toHaveProperty('noticed');
  });
});
