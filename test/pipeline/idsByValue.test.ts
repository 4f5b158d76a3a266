// Ids by value on the in-memory pair: one id in two JSON spellings is one event (written once, its copies dropped);
// one id at two instants (a re-stamped event) is written twice, as evidence, and said: per hour, with the ids, in
// the summary, the log and the run's status, across hours and across runs within what the id ledger keeps.
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { RunSummary } from '../../src/windows/runSummary';
import { checkLakeManifests } from '../support/lakeManifests';
import { HostileSource, eventsAt, type Hostility, type StoredEvent } from '../support/hostileSource';
import { partLines } from '../support/partLines';

const T0 = Date.parse('2026-07-01T00:00:00Z');
const MIN = 60_000;
const hourOf = (h: number) => new Date(T0 + h * 3600_000).toISOString();

function world(events: StoredEvent[], hostility: Hostility, start: number) {
  const clock = new ManualClock(new Date(start));
  const warned: Array<{ message: string; fields?: Record<string, unknown> }> = [];
  const logger = { info: () => undefined, warn: (message: string, fields?: Record<string, unknown>) => void warned.push({ message, fields }), error: () => undefined };
  return { clock, warned, logger, source: new HostileSource(events, hostility), blob: new MemoryCheckpointBlob(clock), lake: new MemoryLake(), ledger: new MemoryIdLedger() };
}
type World = ReturnType<typeof world>;

const run = (w: World, recheckHours = 72) =>
  exportUnderLease(
    { source: w.source, lake: w.lake, store: new MemoryCheckpointStore({ clock: w.clock, blob: w.blob }), ledger: w.ledger, clock: w.clock, logger: w.logger },
    { root: 'audit', configId: 'test', pageSize: 15, lagSeconds: 300, exportStart: new Date(T0), fileMaxBytes: 1 << 20, batchMaxBytes: 900, timeBudgetMs: 3600_000, recheckHours, abortSignal: new AbortController().signal },
  ) as Promise<RunSummary>;

const lines = (lake: MemoryLake) =>
  partLines(lake);
const idsIn = (lake: MemoryLake) => lines(lake).map((l) => (JSON.parse(l) as { id: string }).id);

describe('ids compared by value, end to end on the in-memory pair', () => {
  it.each([72, 0])('200 events whose ids come spelled two ways (per request, and a copy the other way): 200 lines, the copies counted (re-checks %i h)', async (recheckHours) => {
    const events = eventsAt(T0, 2 * 3600_000, 200, 3).map((e) => ({ ...e, id: `tenant/${e.id}` }));
    const duplicated = new Set(events.filter((_, i) => i % 10 === 4).map((e) => e.id));
    // Every other answer spells ids escaped, so each id re-served at the keyset boundary comes in the other spelling.
    const w = world(events, { duplicated, escapedIds: (_, n, copy) => (n + copy) % 2 === 0 }, T0 + 2 * 3600_000 + 5 * MIN);
    const summary = await run(w, recheckHours);
    expect(summary.status).toBe('caught-up');
    const ids = idsIn(w.lake);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    expect(summary.source.duplicatesDropped).toBe(duplicated.size);
    expect(summary.source.idAtTwoTimes).toEqual([]);
    expect(summary.source).toMatchObject({ missing: 0, countBelowExported: 0 });
    // Some lines do hold the escaped spelling: the lake keeps the API's bytes.
    expect(lines(w.lake).some((l) => l.includes('\\/'))).toBe(true);
    expect(checkLakeManifests(w.lake).problems).toEqual([]);
  });

  it('an id served at two instants is written twice and reported per hour with its id: in one hour, into the next, and across runs', async () => {
    const events = [
      ...eventsAt(T0, 3 * 3600_000, 200),
      { id: 'same-hour "A"', t: T0 + 10 * MIN },
      { id: 'next-hour/B', t: T0 + 50 * MIN },
      { id: 'next-run-next-hour/C', t: T0 + 115 * MIN },
      { id: 'next-run-same-hour/é', t: T0 + 140 * MIN },
    ];
    const restamped = new Map([
      ['same-hour "A"', T0 + 20 * MIN],
      ['next-hour/B', T0 + 65 * MIN],
      ['next-run-next-hour/C', T0 + 130 * MIN],
      ['next-run-same-hour/é', T0 + 160 * MIN],
    ]);
    // Run 1 exports hours 0 and 1; run 2 the first half of hour 2; run 3 the rest.
    const w = world(events, { restamped, escapedIds: (e) => e.id.startsWith('next-run') }, T0 + 2 * 3600_000 + 5 * MIN);
    const first = await run(w);
    await w.clock.advance(30 * MIN);
    const second = await run(w);
    await w.clock.advance(30 * MIN);
    const third = await run(w);

    expect(first.source.idAtTwoTimes).toEqual([
      { hour: hourOf(0), events: 1, ids: ['same-hour "A"'] },
      { hour: hourOf(1), events: 1, ids: ['next-hour/B'] },
    ]);
    expect(second.source.idAtTwoTimes).toEqual([{ hour: hourOf(2), events: 1, ids: ['next-run-next-hour/C'] }]);
    expect(third.source.idAtTwoTimes).toEqual([{ hour: hourOf(2), events: 1, ids: ['next-run-same-hour/é'] }]);
    // Not caught up: an event is in the lake twice. Said in the summary's warnings and the log, ids quoted.
    for (const summary of [first, second, third]) expect(summary.status).toBe('incomplete');
    expect(first.warnings).toContain(`${hourOf(0)}: 1 id(s) served at two instants, both versions in the lake: "same-hour \\"A\\""`);
    expect(w.warned).toContainEqual({ message: expect.stringMatching(/at two instants/), fields: { hour: hourOf(1), events: 1, ids: '"next-hour/B"' } });
    // Both versions are kept, as evidence: 204 events, four of them twice.
    const ids = idsIn(w.lake);
    expect(ids).toHaveLength(208);
    expect(new Set(ids).size).toBe(204);
    expect(ids.filter((id) => restamped.has(id))).toHaveLength(8);
    expect(checkLakeManifests(w.lake).problems).toEqual([]);
    // A fourth run, with nothing new, is caught up again.
    await w.clock.advance(60 * MIN);
    expect((await run(w)).status).toBe('caught-up');
  });

  it('a second version that becomes visible late is appended by the re-check of its closed hour, and reported there', async () => {
    const late = { id: 'late/twin', t: T0 + 40 * MIN };
    const events = [...eventsAt(T0, 3600_000, 60), { id: 'late/twin', t: T0 + 10 * MIN }];
    const w = world(events, {
      restamped: new Map([[late.id, late.t]]),
      // The version at 00:40 shows up two hours late, once hour 0 is closed and exported.
      visibleAt: (e) => (e.id === late.id && e.t === late.t ? late.t + 2 * 3600_000 : e.t),
      now: () => w.clock.now().getTime(),
    }, T0 + 3600_000 + 5 * MIN);
    const first = await run(w);
    expect(first.status).toBe('caught-up');
    await w.clock.advance(2 * 3600_000);
    const second = await run(w);
    expect(second.recheck).toMatchObject({ lateFound: 1, lateAppended: 1 });
    expect(second.source.idAtTwoTimes).toEqual([{ hour: hourOf(0), events: 1, ids: ['late/twin'] }]);
    expect(second.status).toBe('incomplete');
    expect(idsIn(w.lake).filter((id) => id === late.id)).toHaveLength(2);
    expect(checkLakeManifests(w.lake).problems).toEqual([]);
  });

  it('without re-checks there is no id ledger, and an id at two instants is not watched (documented)', async () => {
    const events = [...eventsAt(T0, 3600_000, 50), { id: 'x', t: T0 + 10 * MIN }];
    const w = world(events, { restamped: new Map([['x', T0 + 20 * MIN]]) }, T0 + 3600_000 + 5 * MIN);
    const summary = await run(w, 0);
    expect(idsIn(w.lake)).toHaveLength(52);
    expect(summary.source.idAtTwoTimes).toEqual([]);
  });
});
