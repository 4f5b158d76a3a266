// End to end against the sample API: ids spelled two ways (escapedIds: every other answer re-spells them) are one
// id each, written once, their copies dropped and counted; an event served at two instants (a re-stamped one) is
// written twice, as evidence, and said per hour with its id in the summary, the log and `status`, also when its two
// versions land in two runs (the watch takes the earlier one's ids from the id ledger in host storage).
import { readStatus } from '../../src/status/statusView';
import { Composition } from '../../src/run/composition';
import { startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-05-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000).toISOString();
const HOUR = (h: number) => new Date(T0.getTime() + h * 3600_000).toISOString();
// Two events the API re-stamped and now serves at both instants: one within hour 0, one from hour 1 into hour 2.
const RESTAMPED = [
  { id: 'tenant/0018', eventTimestamp: at(10), action: 'QUERY', version: 1 },
  { id: 'tenant/0018', eventTimestamp: at(40), action: 'QUERY', version: 2 },
  { id: 'tenant/"0019"', eventTimestamp: at(115), action: 'QUERY', version: 1 },
  { id: 'tenant/"0019"', eventTimestamp: at(130), action: 'QUERY', version: 2 },
];

describe('ids by value against the sample API', () => {
  let h: Harness;
  const api = () => h.stack.auditApi;
  beforeAll(async () => {
    h = await startHarness({ count: 300, start: T0, spanSeconds: 3 * 3600, seed: 29, kind: 'immuta-uam', sameInstant: 3, extraEvents: RESTAMPED }, { AUDIT_PAGE_SIZE: '20' });
  });
  beforeEach(() => api().resetFaults());
  afterAll(() => h?.stop());

  /** The lines as values (the lake keeps the API's bytes, escapes and all), sorted. */
  const values = (lines: string[]) => lines.map((l) => JSON.stringify(JSON.parse(l))).sort();
  const expected = () => values(h.apiEvents());

  it('escapedIds with duplicates and ties: every event once by value, the copies counted, the re-stamped ones reported', async () => {
    api().setFaults({ escapedIds: { every: 2 }, duplicates: { every: 10 } });
    const path = 'ids-escaped';
    const summary = await h.run(new Date(T0.getTime() + 4 * 3600_000), { ADLS_PATH: path });
    const lines = [...(await h.readLake(path)).values()].flat();
    // Escaped spellings did reach the lake (its bytes are the API's), and no event is there twice.
    expect(lines.some((l) => l.startsWith('{"id":"\\u'))).toBe(true);
    expect(values(lines)).toEqual(expected());
    expect(summary.source.duplicatesDropped).toBe(30); // every 10th of the 300 generated events
    expect(summary.source).toMatchObject({ missing: 0, countBelowExported: 0 });
    expect(summary.source.idAtTwoTimes).toEqual([
      { hour: HOUR(0), events: 1, ids: ['tenant/0018'] },
      { hour: HOUR(2), events: 1, ids: ['tenant/"0019"'] },
    ]);
    expect(summary.status).toBe('incomplete');
    // Each id quoted and escaped as a JSON string, in a field of the JSON log record.
    const record = h.logs.find((l) => l.startsWith('warn: the audit API served these ids at two instants') && l.includes(HOUR(2)));
    expect(JSON.parse(record!.slice(record!.indexOf('{')))).toEqual({ hour: HOUR(2), events: 1, ids: '"tenant/\\"0019\\""' });
    const status = await readStatus(new Composition(h.settings({ ADLS_PATH: path })), { abortSignal: AbortSignal.timeout(30_000) });
    expect(status.lastRun?.source?.idAtTwoTimes).toEqual(summary.source.idAtTwoTimes);
    expect(status.warnings).toContain(`${HOUR(0)}: 1 id(s) served at two instants, both versions in the lake: "tenant/0018"`);
  });

  it('the two versions in two runs: the second run notices it from the id ledger; a run with nothing new is caught up', async () => {
    const path = 'ids-restamped-runs';
    // The first run exports hours 0 and 1 (up to 02:00), so tenant/"0019"'s second version (02:10) waits for the next.
    const first = await h.run(new Date(T0.getTime() + 2 * 3600_000 + 5 * 60_000), { ADLS_PATH: path });
    expect(first.source.idAtTwoTimes).toEqual([{ hour: HOUR(0), events: 1, ids: ['tenant/0018'] }]);
    const second = await h.run(new Date(T0.getTime() + 4 * 3600_000), { ADLS_PATH: path });
    expect(second.source.idAtTwoTimes).toEqual([{ hour: HOUR(2), events: 1, ids: ['tenant/"0019"'] }]);
    expect(second.status).toBe('incomplete');
    expect(values([...(await h.readLake(path)).values()].flat())).toEqual(expected());
    const third = await h.run(new Date(T0.getTime() + 4 * 3600_000 + 60_000), { ADLS_PATH: path });
    expect(third.status).toBe('caught-up');
    expect(third.source.idAtTwoTimes).toEqual([]);
  });
});
