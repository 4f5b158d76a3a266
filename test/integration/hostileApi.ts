// End to end against the sample API misbehaving as real audit APIs do, for either of Immuta's kinds: every event of
// a closed window lands exactly once, and the summary and status say what the API did, with numbers. Each kind runs
// in a test file of its own (one local stack per file: the identity library caches its endpoint per process).
import type { AuditFaults } from '../../dev/auditApi';
import { readStatus } from '../../src/status/statusView';
import { startHarness, type Harness } from '../support/exporterHarness';
import { expectExactlyOnce, lineTime } from '../support/exactlyOnce';
import { Composition } from '../../src/run/composition';

const T0 = new Date('2026-05-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 4 * 3600_000);
const SPAN = 3 * 3600;

/** More events at one instant than fit in a page (3g), in every scenario. */
function crowdedInstant(kind: 'immuta-uam' | 'immuta-legacy'): object[] {
  const t = T0.getTime() + 3600_000 + 17;
  return Array.from({ length: 65 }, (_, i) => ({ id: `crowd-${String(i).padStart(3, '0')}`, ...(kind === 'immuta-uam' ? { eventTimestamp: new Date(t).toISOString() } : { dateTime: t }), n: i }));
}

export function describeHostileApi(kind: 'immuta-uam' | 'immuta-legacy', auth: 'bearer' | 'apikey'): void {
describe(`a hostile ${kind} API (auth ${auth})`, () => {
  let h: Harness;
  const api = () => h.stack.auditApi;
  const timeOf = lineTime(kind);
  beforeAll(async () => {
    // Ties of three events at each instant, so an order that changes between requests shows.
    h = await startHarness(
      { count: 300, start: T0, spanSeconds: SPAN, seed: 13, kind, sameInstant: 3, extraEvents: crowdedInstant(kind) },
      { AUDIT_PAGE_SIZE: '20' },
      { auditAuth: auth },
    );
  });
  beforeEach(() => api().resetFaults());
  afterAll(() => h?.stop());

  const expected = () => h.apiEvents().map((json) => JSON.stringify(JSON.parse(json)));

  // Pages of 20 events, so the 65 events at one instant (3g) span several; with ties in another order on each
  // request, pages of 100 hold that instant whole (see the last test for why).
  it.each<[string, AuditFaults, string]>([
    ['a page cap below the size asked (3a)', { pageCap: 7 }, '20'],
    ['ties in another order on each request (3b)', { unstableTies: true }, '100'],
    ['minDate exclusive, maxDate exclusive (3c)', { bounds: { minDate: 'exclusive', maxDate: 'exclusive' } }, '20'],
    ['minDate inclusive, maxDate inclusive (3c)', { bounds: { minDate: 'inclusive', maxDate: 'inclusive' } }, '20'],
    ['minDate exclusive, maxDate inclusive (3c)', { bounds: { minDate: 'exclusive', maxDate: 'inclusive' } }, '20'],
    ['no count (3f)', { noCount: true }, '20'],
    ['a page cap, either bound and no count at once', { pageCap: 9, noCount: true, bounds: { minDate: 'exclusive', maxDate: 'inclusive' } }, '20'],
    ['ties in another order, either bound and duplicates at once', { unstableTies: true, duplicates: { every: 7 }, bounds: { minDate: 'exclusive', maxDate: 'exclusive' } }, '100'],
  ])('%s: every event exactly once', async (name, faults, pageSize) => {
    api().setFaults(faults);
    const path = `hostile-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`;
    const summary = await h.run(NOW, { ADLS_PATH: path, AUDIT_PAGE_SIZE: pageSize });
    expect(summary.status).toBe('caught-up');
    expectExactlyOnce(await h.readLake(path), expected(), timeOf);
    expect(summary.source).toMatchObject({ duplicatesDropped: faults.duplicates ? 42 : 0, missing: 0, countBelowExported: 0 });
    if (faults.pageCap) expect(summary.source.shortPages).toBeGreaterThan(0);
    expect(summary.source.windowsUnverified).toBe(faults.noCount ? summary.source.windowsChecked : 0);
  });

  it.each<[string, AuditFaults]>([
    ['capped at 50 (as Elasticsearch caps hits.total)', { countCap: { max: 50 } }],
    ['three short of the truth', { countOffset: { by: -3 } }],
  ])('a count %s ends no window: every event exactly once, caught up, the hours named as counted below the exported', async (name, faults) => {
    api().setFaults(faults);
    const path = `hostile-count-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`.slice(0, 60);
    const logsBefore = h.logs.length;
    const summary = await h.run(NOW, { ADLS_PATH: path, EXPORT_RECHECK_HOURS: '0' });
    expectExactlyOnce(await h.readLake(path), expected(), timeOf);
    expect(summary.status).toBe('caught-up');
    expect(summary.source).toMatchObject({ missing: 0, windowsUnverified: 0 });
    expect(summary.source.countBelowExported).toBeGreaterThan(0);
    expect(summary.source.hours.every((x) => x.missing === 0 && x.countBelowExported > 0)).toBe(true);
    expect(h.logs.slice(logsBefore).some((l) => l.includes('its count cannot be trusted for that hour'))).toBe(true);
    const status = await readStatus(new Composition(h.settings({ ADLS_PATH: path, EXPORT_RECHECK_HOURS: '0' })), { abortSignal: AbortSignal.timeout(30_000), now: NOW });
    expect(status.lastRun?.source?.countBelowExported).toBe(summary.source.countBelowExported);
  });

  it('a count five over the truth: every event exactly once, each window reported five missing (incomplete)', async () => {
    api().setFaults({ countOffset: { by: 5 } });
    const summary = await h.run(NOW, { ADLS_PATH: 'hostile-count-over', EXPORT_RECHECK_HOURS: '0' });
    expectExactlyOnce(await h.readLake('hostile-count-over'), expected(), timeOf);
    expect(summary.status).toBe('incomplete');
    expect(summary.source.hours.length).toBe(summary.source.windowsChecked);
    expect(summary.source.hours.every((x) => x.missing === 5 && x.countBelowExported === 0)).toBe(true);
  });

  it('the same id served twice (3d): written once, each copy counted as dropped', async () => {
    api().setFaults({ duplicates: { every: 10 } });
    const summary = await h.run(NOW, { ADLS_PATH: 'hostile-duplicates' });
    expect(summary.status).toBe('caught-up');
    expectExactlyOnce(await h.readLake('hostile-duplicates'), expected(), timeOf);
    expect(summary.source.duplicatesDropped).toBe(30); // every 10th of the 300 generated events
  });

  it('ties in another order on each request AND more at one instant than a page holds: never doubled, the shortfall reported', async () => {
    // No client can page such an instant completely: each request shows another subset of it. The count check says how many are missing.
    api().setFaults({ unstableTies: true });
    // Without re-checks, so that what the count check reports is what is missing.
    const summary = await h.run(NOW, { ADLS_PATH: 'hostile-crowded-unstable', AUDIT_PAGE_SIZE: '20', EXPORT_RECHECK_HOURS: '0' });
    const lines = [...(await h.readLake('hostile-crowded-unstable')).values()].flat();
    expect(lines.length).toBe(new Set(lines).size);
    const missing = expected().filter((l) => !lines.includes(l)).length;
    expect(summary.source.missing).toBe(missing);
    expect(summary.status).toBe(missing > 0 ? 'incomplete' : 'caught-up');
    if (missing > 0) expect(summary.source.hours).toEqual([{ hour: new Date(T0.getTime() + 3600_000).toISOString(), missing, countBelowExported: 0 }]);
  });

  it('the same, with re-checks on: each re-check reads the hour once its batches are in, and every run is incomplete, with the hour and what is missing, until the lake holds it all', async () => {
    api().setFaults({ unstableTies: true });
    const env = { ADLS_PATH: 'hostile-crowded-recheck', AUDIT_PAGE_SIZE: '20' };
    const hour = new Date(T0.getTime() + 3600_000).toISOString();
    // The first run ends just after the crowded hour closes: its last batches are still in flight when the re-check begins.
    for (const [run, now] of [T0.getTime() + 2 * 3600_000 + 360_000, NOW.getTime(), NOW.getTime() + 600_000].map((t, i) => [i, new Date(t)] as const)) {
      const summary = await h.run(now, env);
      const lines = [...(await h.readLake(env.ADLS_PATH)).values()].flat();
      expect(lines.length).toBe(new Set(lines).size);
      // The crowded hour's events the lake lacks (the first run has not reached later hours yet).
      const missing = expected().filter((l) => Math.floor(timeOf(l) / 3600_000) * 3600_000 === Date.parse(hour) && !lines.includes(l)).length;
      const status = await readStatus(new Composition(h.settings(env)), { abortSignal: AbortSignal.timeout(30_000), now });
      expect({ run, status: summary.status, noticed: status.noticed.map((n) => ({ hour: n.hour, missing: n.missing })) }).toEqual({
        run, status: missing > 0 ? 'incomplete' : 'caught-up', noticed: missing > 0 ? [{ hour, missing }] : [],
      });
      if (missing > 0) expect(summary.recheck?.short).toEqual([{ hour, missing }]);
    }
  });

  it('events inserted and removed while a window is paged (3e): nothing doubled or skipped; inserts behind the paging are reported per hour', async () => {
    api().setFaults({ mutate: { insert: 6, remove: 4, afterRequests: 3 } });
    const original = expected();
    const logsBefore = h.logs.length;
    // Without re-checks, so that the count check's report stands alone (the re-check would append the inserts).
    const summary = await h.run(NOW, { ADLS_PATH: 'hostile-mutate', EXPORT_RECHECK_HOURS: '0' });
    const { inserted, removed } = api().mutations();
    expect(inserted).toHaveLength(6);
    const lines = [...(await h.readLake('hostile-mutate')).values()].flat();
    expect(lines.length).toBe(new Set(lines).size);
    const idOf = (line: string) => (JSON.parse(line) as { id: string }).id;
    // Every event that was there all along is in the lake; a removed one only if it was written before it went.
    for (const line of original) if (!removed.includes(idOf(line))) expect(lines).toContain(line);
    const insertedLines = inserted.map((j) => JSON.stringify(JSON.parse(j)));
    const missing = insertedLines.filter((l) => !lines.includes(l)).length;
    const removedWritten = original.filter((l) => removed.includes(idOf(l)) && lines.includes(l)).length;
    // The count check sees the net difference, per hour; here the mutation is all in one window.
    expect(summary.source.missing - summary.source.countBelowExported).toBe(missing - removedWritten);
    if (summary.source.missing > 0) {
      expect(summary.status).toBe('incomplete');
      const status = await readStatus(new Composition(h.settings({ ADLS_PATH: 'hostile-mutate', EXPORT_RECHECK_HOURS: '0' })), { abortSignal: AbortSignal.timeout(30_000), now: NOW });
      expect(status.noticed).toEqual([expect.objectContaining({ hour: summary.source.hours[0]!.hour, missing: summary.source.missing })]);
      expect(status.lastRun?.source?.missing).toBe(summary.source.missing);
    }
    const logged = h.logs.slice(logsBefore).some((l) => l.includes('the audit API counts more events for this hour than were exported') || l.includes('the audit API counts fewer events for this hour than were exported'));
    expect(logged).toBe(summary.source.hours.length > 0);
  });
  it('events inserted behind the paging are appended by the re-check in the same run: every event once, caught up', async () => {
    api().setFaults({ mutate: { insert: 6, afterRequests: 3 } });
    const summary = await h.run(NOW, { ADLS_PATH: 'hostile-mutate-recheck' });
    const lines = [...(await h.readLake('hostile-mutate-recheck')).values()].flat();
    expect(lines.length).toBe(new Set(lines).size);
    expect([...lines].sort()).toEqual(expected().sort());
    expect(summary.status).toBe('caught-up');
    expect(summary.recheck!.lateAppended).toBe(summary.source.missing);
  });
});
}
