// End to end against the sample API lying as a hostile upstream does (issue 22), for either of Immuta's kinds: counts
// capped or off, ids spelled two ways, unreadable events, ids re-stamped, order broken across pages, and all at once.
// Every readable event lands exactly once (unreadable ones in quarantine), or the run says, with numbers, what it
// could not prove. The truth comes from the sample API (eventsJson, unreadable, restamped). One local stack per
// file (the identity library caches its endpoint per process): hostileLiesUam.test.ts, hostileLiesLegacy.test.ts.
import type { AuditFaults, AuditKind, AuditUnreadable } from '../../dev/auditApi';
import { hasCode } from '../../src/errors';
import { Composition } from '../../src/run/composition';
import { readStatus, type StatusView } from '../../src/status/statusView';
import { hourOf } from '../../src/time/window';
import { verifyExport } from '../../src/verify/verify';
import type { RunSummary } from '../../src/windows/runSummary';
import { byValue, expectExactlyOnce, lineTime } from '../support/exactlyOnce';
import { expectedLine, startHarness, type Harness } from '../support/exporterHarness';

// Where the exporter reports what the issue names. The names of these fields were not fixed when the tests were
// written: every access to them is here, so they can be adjusted in one place.
type Loose = Record<string, any>;
type Source = RunSummary['source'];
const reported = {
  /** Hours whose count the API gave below the events exported there, and by how many (issue item 1). */
  countBelowExported: (s: Source | undefined) => ({
    total: (s as Loose | undefined)?.countBelowExported,
    hours: ((s?.hours ?? []) as Loose[]).filter((x) => x.countBelowExported > 0).map((x) => ({ hour: x.hour, by: x.countBelowExported })),
  }),
  /** Today's name for a count below the exported; it must never say so (nothing was removed). */
  removed: (s: Source) => (s as Loose).removed ?? 0,
  /** Events put in quarantine, in all and per hour (item 5). */
  quarantined: (s: Source | undefined) => ({
    total: (s as Loose | undefined)?.quarantined ?? 0,
    hours: (((s as Loose | undefined)?.quarantinedHours ?? []) as Loose[]).map((x) => ({ hour: x.hour, events: x.events })),
  }),
  /** Ids served at two instants, per hour, the ids sorted (item 11). */
  idAtTwoTimes: (s: Source | undefined) =>
    (((s as Loose | undefined)?.idAtTwoTimes ?? []) as Loose[]).map((x) => ({ hour: x.hour, ids: [...(x.ids as string[])].sort() })).sort(byHour),
  /** Short hours in status, with the numbers of the latest count and when it was made (items 3, 4). */
  noticed: (v: StatusView) => (v.noticed as Loose[]).map((n) => ({ hour: n.hour, missing: n.missing, countedAt: n.countedAt })).sort(byHour),
  /** The folder an event that cannot be placed goes to: that of the hour of the window it was served in. */
  quarantineFolder: (path: string, windowStart: Date) => {
    const h = hourOf(windowStart).toISOString();
    return `${path}/_quarantine/year=${h.slice(0, 4)}/month=${h.slice(5, 7)}/day=${h.slice(8, 10)}/hour=${h.slice(11, 13)}/`;
  },
  /** Whether a quarantine file is under `_quarantine/` (the rest of the export path is the hour files). */
  isQuarantine: (path: string, file: string) => file.startsWith(`${path}/_quarantine/`),
  /** Whether a manifest lists a quarantine file (by its path). */
  listsQuarantine: (manifest: Loose, file: string) => ((manifest.quarantine ?? []) as Loose[]).some((q) => q.path === file),
};
const byHour = (a: { hour: string }, b: { hour: string }) => (a.hour < b.hour ? -1 : a.hour > b.hour ? 1 : 0);

const HOUR = 3_600_000;
const T0 = new Date('2026-05-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
/** With the default lag (300 s), a run at this time exports the three hours of events as three whole windows, all closed. */
const NOW = at(3 * HOUR + 300_000);
const EVENT_HOURS = [0, 1, 2].map((k) => at(k * HOUR).toISOString());

export function describeHostileLies(kind: AuditKind): void {
describe(`an audit API that lies (${kind})`, () => {
  let h: Harness;
  const api = () => h.stack.auditApi;
  const timeOf = lineTime(kind);
  beforeAll(async () => {
    // 300 events over three hours, in ties of three (so a page boundary often falls inside an instant).
    h = await startHarness({ count: 300, start: T0, spanSeconds: 3 * 3600, seed: 17, kind, sameInstant: 3 }, { AUDIT_PAGE_SIZE: '20' });
  });
  beforeEach(() => api().resetFaults());
  afterAll(() => h?.stop());

  const expected = () => h.apiEvents().map(expectedLine);
  const status = (env: Record<string, string>, now: Date) => readStatus(new Composition(h.settings(env)), { abortSignal: AbortSignal.timeout(30_000), now });
  /** The hour files, and the quarantine files, under a path: file → lines. */
  async function lake(path: string): Promise<{ hours: Map<string, string[]>; quarantine: Map<string, string[]> }> {
    const all = await h.readLake(path);
    const split = (q: boolean) => new Map([...all].filter(([file]) => reported.isQuarantine(path, file) === q));
    return { hours: split(false), quarantine: split(true) };
  }
  /** The hour each event's instant falls in, with how many. */
  function perHour(lines: string[]): Map<string, number> {
    const counts = new Map<string, number>();
    for (const l of lines) {
      const hour = hourOf(new Date(timeOf(l))).toISOString();
      counts.set(hour, (counts.get(hour) ?? 0) + 1);
    }
    return counts;
  }
  /**
   * Every unreadable event in a quarantine file of the hour it was served in, once; nothing else there. Byte for byte,
   * or with `same` by what it maps them to (byValue where ids may come spelled with escapes). Served in: its own
   * hour's window, or the hour before's, whose last request asks past the window's end and may meet it first.
   * Returns how many each hour keeps, in EVENT_HOURS order.
   */
  function expectQuarantined(quarantine: Map<string, string[]>, path: string, truth: AuditUnreadable[], same: (line: string) => string = (l) => l): Array<{ hour: string; events: number }> {
    const found = [...quarantine].flatMap(([file, lines]) => lines.map((line) => ({ folder: file.slice(0, file.lastIndexOf('/') + 1), line: same(line) })));
    expect(found.map((f) => f.line).sort()).toEqual(truth.map((u) => same(u.json)).sort());
    for (const u of truth) {
      const at = new Date(u.at).getTime();
      const kept = found.find((f) => f.line === same(u.json))!.folder;
      expect([reported.quarantineFolder(path, new Date(at)), reported.quarantineFolder(path, new Date(at - 3600_000))]).toContain(kept);
    }
    return EVENT_HOURS.map((hour) => ({ hour, events: found.filter((f) => f.folder === reported.quarantineFolder(path, new Date(hour))).length })).filter((x) => x.events > 0);
  }
  /** The latest manifest revision of each hour, parsed: hour → manifest. */
  async function latestManifests(path: string): Promise<Map<string, Loose>> {
    const latest = new Map<string, Loose>();
    for (const bytes of (await h.readManifests(path)).values()) {
      const manifest = JSON.parse(bytes.toString('utf8')) as Loose;
      if ((latest.get(manifest.hour)?.revision ?? 0) < manifest.revision) latest.set(manifest.hour, manifest);
    }
    return latest;
  }
  async function expectVerified(env: Record<string, string>): Promise<void> {
    const out: string[] = [];
    const totals = await verifyExport(new Composition(h.settings(env)), { abortSignal: AbortSignal.timeout(60_000), out: (l) => out.push(l), warn: (l) => out.push(l) });
    expect({ problems: totals.problems, out }).toEqual({ problems: 0, out: expect.any(Array) });
  }

  // 1. A count below the truth ends no window: capped as Elasticsearch caps hits.total, or three short.
  it.each<[string, AuditFaults, (truth: number) => number]>([
    ['capped at 50', { countCap: { max: 50 } }, (truth) => Math.min(truth, 50)],
    ['three short', { countOffset: { by: -3 } }, (truth) => Math.max(0, truth - 3)],
  ])('a count %s: every event exactly once, and the hours reported as counted below the exported, never as removed', async (name, faults, counted) => {
    api().setFaults(faults);
    const env = { ADLS_PATH: `lies-count-${name.replace(/[^a-z0-9]+/gi, '-')}` };
    const logsFrom = h.logs.length;
    const summary = await h.run(NOW, env);
    expectExactlyOnce((await lake(env.ADLS_PATH)).hours, expected(), timeOf);
    const hours = [...perHour(expected())].map(([hour, truth]) => ({ hour, by: truth - counted(truth) })).filter((x) => x.by > 0).sort(byHour);
    expect(hours.length).toBe(3);
    expect(summary.status).toBe('caught-up');
    expect(summary.source.missing).toBe(0);
    expect(reported.removed(summary.source)).toBe(0);
    expect(reported.countBelowExported(summary.source)).toEqual({ total: hours.reduce((n, x) => n + x.by, 0), hours });
    const logs = h.logs.slice(logsFrom);
    for (const { hour, by } of hours) expect(logs.some((l) => l.startsWith('warn:') && l.includes(`"hour":"${hour}"`) && l.includes(`"countBelowExported":${by}`))).toBe(true);
    expect(logs.filter((l) => /removed/i.test(l))).toEqual([]);
    expect(reported.countBelowExported((await status(env, NOW)).lastRun?.source)).toEqual(reported.countBelowExported(summary.source));
  });

  // 2. A count above the truth: the hours are short as far as anyone can tell, and stay so, run after run.
  it('a count five over the truth: every event once; incomplete with each hour five short, no LedgerSegmentMissing; the next run too, counted again', async () => {
    api().setFaults({ countOffset: { by: 5 } });
    const env = { ADLS_PATH: 'lies-count-over' };
    const logsFrom = h.logs.length;
    const first = await h.run(NOW, env);
    const afterFirst = { lake: (await lake(env.ADLS_PATH)).hours, noticed: reported.noticed(await status(env, NOW)) };
    // A minute later, with the lag a minute longer: no new window, only the re-check's counts.
    const later = new Date(NOW.getTime() + 60_000);
    const second = await h.run(later, { ...env, EXPORT_LAG_SECONDS: '360' });
    expectExactlyOnce(afterFirst.lake, expected(), timeOf);
    expectExactlyOnce((await lake(env.ADLS_PATH)).hours, expected(), timeOf);
    const short = (countedAt: Date) => EVENT_HOURS.map((hour) => ({ hour, missing: 5, countedAt: countedAt.toISOString() }));
    expect({
      first: { status: first.status, missing: first.source.missing, hours: first.source.hours.map((x) => ({ hour: x.hour, missing: x.missing })) },
      noticed: afterFirst.noticed,
      second: second.status,
      noticedLater: reported.noticed(await status(env, later)),
    }).toEqual({
      first: { status: 'incomplete', missing: 15, hours: EVENT_HOURS.map((hour) => ({ hour, missing: 5 })) }, // incomplete: the CLI exits 3
      noticed: short(NOW),
      second: 'incomplete',
      noticedLater: short(later),
    });
    expect(h.logs.slice(logsFrom).filter((l) => l.includes('LedgerSegmentMissing'))).toEqual([]);
  });

  // 3. One id in two spellings: the copy re-served at a page boundary is the event already written.
  it.each<[string, AuditFaults, number]>([
    ['every other answer, pages capped at 7', { escapedIds: { every: 2 }, pageCap: 7 }, 0],
    ['every other answer, every 10th event stored twice', { escapedIds: { every: 2 }, duplicates: { every: 10 } }, 30],
  ])('ids spelled with escapes %s: each event exactly once by value, each stored copy dropped once', async (_name, faults, dropped) => {
    api().setFaults(faults);
    const env = { ADLS_PATH: `lies-escaped-${dropped}` };
    const summary = await h.run(NOW, env);
    expectExactlyOnce((await lake(env.ADLS_PATH)).hours, expected(), timeOf, byValue);
    expect(summary.status).toBe('caught-up');
    expect(summary.source).toMatchObject({ duplicatesDropped: dropped, missing: 0 });
    expect(reported.countBelowExported(summary.source).hours).toEqual([]);
  });

  // 4. Unreadable events (a leap second, a numeric id, no zone, no time, in turn): quarantined, and the run goes on.
  it('every 25th event unreadable: the readable ones exactly once; each unreadable one byte for byte in quarantine, listed and counted; incomplete; verify passes', async () => {
    api().setFaults({ unreadable: { every: 25 } });
    const env = { ADLS_PATH: 'lies-unreadable' };
    const summary = await h.run(NOW, env);
    const truth = api().unreadable();
    expect(truth.length).toBe(12);
    expect(new Set(truth.map((u) => u.kind))).toEqual(new Set(['leapSecond', 'numericId', 'noZone', 'noTime']));
    const spoiled = new Set(truth.map((u) => u.json));
    const { hours, quarantine } = await lake(env.ADLS_PATH);
    expectExactlyOnce(hours, h.apiEvents().filter((j) => !spoiled.has(j)).map(expectedLine), timeOf);
    const perHourTruth = expectQuarantined(quarantine, env.ADLS_PATH, truth);
    expect(summary.status).toBe('incomplete'); // the CLI exits 3
    expect(reported.quarantined(summary.source)).toEqual({ total: 12, hours: perHourTruth });
    expect(reported.quarantined((await status(env, NOW)).lastRun?.source)).toEqual({ total: 12, hours: perHourTruth });
    const manifests = await latestManifests(env.ADLS_PATH);
    for (const file of quarantine.keys()) {
      const hour = EVENT_HOURS.find((x) => file.startsWith(reported.quarantineFolder(env.ADLS_PATH, new Date(x))))!;
      expect({ file, listed: reported.listsQuarantine(manifests.get(hour) ?? {}, file) }).toEqual({ file, listed: true });
    }
    await expectVerified(env);
  });

  it('every 25th event unreadable with EXPORT_INVALID_EVENTS=stop: the page is refused, the run fails, nothing from the first unreadable event on is exported', async () => {
    api().setFaults({ unreadable: { every: 25 } });
    const env = { ADLS_PATH: 'lies-unreadable-stop', EXPORT_INVALID_EVENTS: 'stop' };
    const error = await h.run(NOW, env).then(() => undefined, (e: unknown) => e);
    expect(hasCode(error, 'InvalidPage')).toBe(true);
    const events = h.apiEvents();
    const first = events.indexOf(api().unreadable()[0]!.json);
    const before = new Set(events.slice(0, first).map(expectedLine));
    const { hours, quarantine } = await lake(env.ADLS_PATH);
    const lines = [...hours.values()].flat();
    expect(lines.length).toBe(new Set(lines).size);
    expect(lines.filter((l) => !before.has(l))).toEqual([]);
    expect([...quarantine.keys()]).toEqual([]);
  });

  // 5. One id at two instants (re-stamped): both versions kept, as evidence, and named.
  it('every 40th event re-stamped later under the same id: both versions in the lake, idAtTwoTimes per hour with the ids', async () => {
    api().setFaults({ restampIds: { every: 40 } });
    // An hour later, so that every copy (up to an hour after its first instant) is exported.
    const now = new Date(NOW.getTime() + HOUR);
    const env = { ADLS_PATH: 'lies-restamped', EXPORT_RECHECK_HOURS: '24' };
    const summary = await h.run(now, env);
    const copies = api().restamped();
    expect(copies.length).toBe(7);
    expectExactlyOnce((await lake(env.ADLS_PATH)).hours, expected(), timeOf);
    const byHourOfCopy = new Map<string, string[]>();
    for (const c of copies) {
      const hour = hourOf(new Date(c.restampedAt)).toISOString();
      byHourOfCopy.set(hour, [...(byHourOfCopy.get(hour) ?? []), c.id]);
    }
    const truth = [...byHourOfCopy].map(([hour, ids]) => ({ hour, ids: ids.sort() })).sort(byHour);
    expect(reported.idAtTwoTimes(summary.source)).toEqual(truth);
    expect(reported.idAtTwoTimes((await status(env, now)).lastRun?.source)).toEqual(truth);
  });

  // 6. Order broken across pages: never caught up with events missing.
  it('pages sorted within themselves only: every event exactly once, or the run refuses the answer or says what is missing', async () => {
    api().setFaults({ sortWithinPagesOnly: true });
    const env = { ADLS_PATH: 'lies-sorted-within-pages' };
    const outcome = await h.run(NOW, env).then((summary) => ({ summary }), (error: unknown) => ({ error }));
    const lines = [...(await lake(env.ADLS_PATH)).hours.values()].flat();
    expect(lines.length).toBe(new Set(lines).size);
    const missing = expected().filter((l) => !lines.includes(l)).length;
    if ('error' in outcome) {
      expect(hasCode(outcome.error, 'InvalidPage')).toBe(true);
      expect(String((outcome.error as Error).message)).toMatch(/order/);
      return;
    }
    const { summary } = outcome;
    if (summary.status === 'caught-up') {
      expect({ missing, status: summary.status }).toEqual({ missing: 0, status: 'caught-up' });
      return;
    }
    // Short: said with the hours and numbers, and still said by the next run (nothing new to export).
    const short = [...perHour(expected().filter((l) => !lines.includes(l)))].map(([hour, n]) => ({ hour, missing: n })).sort(byHour);
    const later = new Date(NOW.getTime() + 60_000);
    const next = await h.run(later, { ...env, EXPORT_LAG_SECONDS: '360' });
    expect({
      status: summary.status,
      missing: summary.source.missing,
      hours: summary.source.hours.map((x) => ({ hour: x.hour, missing: x.missing })).filter((x) => x.missing > 0),
      next: next.status,
      noticed: reported.noticed(await status(env, later)).map(({ hour, missing: n }) => ({ hour, missing: n })),
    }).toEqual({ status: 'incomplete', missing, hours: short, next: 'incomplete', noticed: short });
  });

  // 7. Everything at once, over runs every 40 minutes and then two hours later (late events come in by the re-check).
  it('page cap, reshuffled ties, duplicates, escaped ids, a short count, late events, 5xx and unreadable events at once: readable events once, unreadable in quarantine, caught up at last', async () => {
    api().setFaults({
      pageCap: 7, unstableTies: true, duplicates: { every: 9 }, escapedIds: { every: 3 }, countOffset: { by: -2 },
      late: { fraction: 0.1, delaySeconds: 7200 }, serverErrors: { rate: 0.05 }, unreadable: { every: 50 },
    });
    const env = { ADLS_PATH: 'lies-combined' };
    const runs: RunSummary[] = [];
    for (const minutes of [40, 80, 120, 160, 200, 330, 400]) runs.push(await h.run(at(minutes * 60_000), env));
    h.stack.auditApi.setNow(null);
    const truth = api().unreadable();
    expect(truth.length).toBe(6);
    const spoiled = new Set(truth.map((u) => u.json));
    const { hours, quarantine } = await lake(env.ADLS_PATH);
    expectExactlyOnce(hours, h.apiEvents().filter((j) => !spoiled.has(j)).map(expectedLine), timeOf, byValue);
    // Answers that spell ids with escapes may be the ones an unreadable event was kept from: compared by value.
    expectQuarantined(quarantine, env.ADLS_PATH, truth, byValue);
    // Each unreadable event counted once over the runs; a run that quarantined one ends incomplete.
    expect(runs.reduce((n, r) => n + reported.quarantined(r.source).total, 0)).toBe(6);
    for (const r of runs) if (reported.quarantined(r.source).total > 0) expect(r.status).toBe('incomplete');
    // The last run finds everything in place: nothing short, nothing new in quarantine.
    const last = runs.at(-1)!;
    expect({ status: last.status, missing: last.source.missing }).toEqual({ status: 'caught-up', missing: 0 });
    expect(reported.noticed(await status(env, at(400 * 60_000)))).toEqual([]);
    await expectVerified(env);
  });
});
}
