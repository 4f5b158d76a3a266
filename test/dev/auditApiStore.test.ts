// Fault switches that change what is stored, over loopback HTTP: duplicates and mutate, then every switch
// at once checked against a brute-force model built from eventsJson() and mutations().
import { startAuditApi, type AuditApi } from '../../dev/auditApi';
import { adminCall, bearer, getPage, indexOf, pageByOffset } from '../support/auditHttp';

const START = new Date('2024-05-01T00:00:00.000Z');
const HOUR = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-01T01:00:00.000Z' };
const AFTER_ALL = new Date('2024-05-02T00:00:00.000Z');
const idOf = (json: string) => JSON.parse(json).id as string;

/** The stored stream as served: each event once, every Nth generated one twice. */
function withCopies(events: string[], every: number, generated: (id: string) => boolean): string[] {
  return events.flatMap((t) => (generated(idOf(t)) && (indexOf(idOf(t)) + 1) % every === 0 ? [t, t] : [t]));
}

describe('duplicates', () => {
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 50, start: START, spanSeconds: 3600, seed: 13 }, faults: { duplicates: { every: 4 } } });
    auth = bearer(api.apiKey);
  });
  afterAll(() => api.stop());

  test('every Nth event is served twice, adjacent, same JSON; count includes the copies; eventsJson has each once', async () => {
    const unique = [...api.eventsJson()];
    expect(unique).toHaveLength(50);
    const expected = withCopies(unique, 4, () => true);
    expect(expected).toHaveLength(62);
    const { text, body } = await getPage(api, { ...HOUR, size: 1000 }, auth);
    expect(body.count).toBe(62);
    expect(text).toBe(`{"count":62,"hits":[${expected.join(',')}]}`);
  });

  test('the copies are consistent across requests, and some pair straddles two pages', async () => {
    const first = await pageByOffset(api, HOUR, 7, auth);
    const again = await pageByOffset(api, HOUR, 7, auth);
    expect(again).toEqual(first);
    expect(first.hits).toEqual(withCopies([...api.eventsJson()], 4, () => true));
    const straddles = first.pages.filter((p, k) => k > 0 && p.length > 0 && idOf(p[0]) === idOf(first.pages[k - 1].at(-1)!));
    expect(straddles.length).toBeGreaterThan(0);
  });
});

describe('mutate', () => {
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 100, start: START, spanSeconds: 3600, seed: 17 } });
    auth = bearer(api.apiKey);
    api.setNow(AFTER_ALL);
  });
  afterAll(() => api.stop());

  test('right after the K-th GET: N inserted across the range, N removed, recorded exactly; offset paging then goes wrong', async () => {
    const before = [...api.eventsJson()];
    api.setFaults({ mutate: { insert: 3, remove: 2, afterRequests: 2 } });
    const first = await getPage(api, { ...HOUR, offset: 0, size: 30 }, auth);
    expect(api.mutations()).toEqual({ applied: false, range: null, inserted: [], removed: [] });
    const second = await getPage(api, { ...HOUR, offset: 30, size: 30 }, auth);
    expect(second.body.count).toBe(100); // the K-th request itself still sees the old state

    const m = api.mutations();
    expect(m).toMatchObject({ applied: true, range: { minDate: HOUR.minDate, maxDate: HOUR.maxDate } });
    expect((await adminCall(api, 'GET', 'mutations')).body).toEqual(m);
    expect(m.inserted.map((t) => JSON.parse(t).eventTimestamp)).toEqual(['2024-05-01T00:10:00.000Z', '2024-05-01T00:30:00.000Z', '2024-05-01T00:50:00.000Z']);
    const beforeIds = new Set(before.map(idOf));
    for (const t of m.inserted) expect(beforeIds.has(idOf(t))).toBe(false);
    expect(m.removed).toHaveLength(2);
    for (const id of m.removed) expect(beforeIds.has(id)).toBe(true);

    // Ground truth from what was recorded: the old events minus the removed, plus the inserted, in order.
    const truth = [...before.filter((t) => !m.removed.includes(idOf(t))), ...m.inserted].sort(
      (a, b) => Date.parse(JSON.parse(a).eventTimestamp) - Date.parse(JSON.parse(b).eventTimestamp) || (idOf(a) < idOf(b) ? -1 : 1),
    );
    expect([...api.eventsJson()]).toEqual(truth);
    expect(api.totalEvents).toBe(101);
    const full = await getPage(api, { ...HOUR, size: 1000 }, auth);
    expect(full.text).toBe(`{"count":101,"hits":[${truth.join(',')}]}`);

    const rest = await pageByOffset(api, { ...HOUR }, 30, auth);
    const naive = [...first.body.hits, ...second.body.hits].map((h) => JSON.stringify(h)).concat(rest.hits.slice(60));
    expect(naive).not.toEqual(truth);
    expect(api.mutations()).toEqual(m); // once only

    api.resetFaults();
    expect([...api.eventsJson()]).toEqual(before);
    expect(api.totalEvents).toBe(100);
    expect(api.mutations().applied).toBe(false);
  });

  test('default afterRequests is 1; legacy records are inserted as legacy records', async () => {
    const legacy = await startAuditApi({ events: { count: 40, start: START, spanSeconds: 3600, seed: 17, kind: 'immuta-legacy' }, faults: { mutate: { insert: 2, remove: 1 } } });
    try {
      legacy.setNow(AFTER_ALL);
      const range = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-01T00:20:00.000Z' };
      const before = (await getPage(legacy, { ...range, size: 1000 }, legacy.apiKey)).body;
      const m = legacy.mutations();
      expect(m.applied).toBe(true);
      expect(m.inserted.map((t) => JSON.parse(t).dateTime)).toEqual([Date.parse('2024-05-01T00:05:00.000Z'), Date.parse('2024-05-01T00:15:00.000Z')]);
      expect(Object.keys(JSON.parse(m.inserted[0]))).toEqual(Object.keys(before.hits[0]));
      const after = (await getPage(legacy, { ...range, size: 1000 }, legacy.apiKey)).body;
      expect(after.count).toBe(before.count + 1);
      expect(after.hits.map((h: any) => h.id)).not.toContain(m.removed[0]);
      expect(after.hits.map((h: any) => JSON.stringify(h))).toEqual(expect.arrayContaining(m.inserted));
    } finally {
      await legacy.stop();
    }
  });
});

describe('every switch at once against a brute-force model', () => {
  const EXTRAS = [
    { id: 'x-early', eventTimestamp: '2024-05-01T00:00:00.000Z' },
    { id: 'x-late', eventTimestamp: '2024-05-01T00:30:00.000Z', receivedTimestamp: '2024-05-01T02:00:00.000Z' },
    { id: 'x-end', eventTimestamp: '2024-05-01T00:59:59.999Z' },
  ];
  const NOW = new Date('2024-05-01T00:45:00.000Z');
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 400, start: START, spanSeconds: 3600, seed: 29, sameInstant: 3, extraEvents: EXTRAS } });
    auth = bearer(api.apiKey);
    api.setNow(NOW);
  });
  afterAll(() => api.stop());
  afterEach(() => api.resetFaults());

  /** What a request should see: stored events visible at NOW in [min, max), with copies. */
  function model(min: number, max: number): string[] {
    const inserted = new Set(api.mutations().inserted.map(idOf));
    const visible = [...api.eventsJson()].filter((t) => {
      const e = JSON.parse(t);
      const at = Date.parse(e.eventTimestamp);
      return at >= min && at < max && Date.parse(e.receivedTimestamp ?? e.eventTimestamp) <= NOW.getTime();
    });
    return withCopies(visible, 5, (id) => !id.startsWith('x-') && !inserted.has(id));
  }

  test('duplicates + late + removals + inserts: every page of every size matches the model', async () => {
    api.setFaults({ duplicates: { every: 5 }, late: { fraction: 0.3, delaySeconds: 900 }, mutate: { insert: 4, remove: 6 } });
    await getPage(api, { ...HOUR, size: 1 }, auth); // triggers the mutation over the whole hour
    expect(api.mutations().removed).toHaveLength(6);
    const ranges = [HOUR, { minDate: '2024-05-01T00:10:00.000Z', maxDate: '2024-05-01T00:30:00.001Z' }, { minDate: '2024-05-01T00:40:00.000Z', maxDate: '2024-05-01T02:00:00.000Z' }];
    for (const range of ranges) {
      const expected = model(Date.parse(range.minDate), Date.parse(range.maxDate));
      expect(expected.length).toBeGreaterThan(20);
      for (const size of [1, 7, 1000]) {
        const got = await pageByOffset(api, range, size, auth, 2000);
        expect(got.hits).toEqual(expected);
      }
      const { body } = await getPage(api, { ...range, offset: 11, size: 13 }, auth);
      expect(body.count).toBe(expected.length);
      expect(body.hits.map((h: unknown) => JSON.stringify(h))).toEqual(expected.slice(11, 24));
    }
  });

  test('pageCap + unstableTies + late + duplicates: capped pages, the model\'s count, its time order', async () => {
    api.setFaults({ pageCap: 5, unstableTies: true, late: { fraction: 0.3, delaySeconds: 900 }, duplicates: { every: 5 } });
    const expected = model(Date.parse(HOUR.minDate), Date.parse(HOUR.maxDate));
    const got: string[] = [];
    for (let offset = 0, n = 0; offset < expected.length && n < 1000; n++) {
      const { body } = await getPage(api, { ...HOUR, offset, size: 50 }, auth);
      expect(body.count).toBe(expected.length);
      expect(body.hits.length).toBeLessThanOrEqual(5);
      got.push(...body.hits.map((h: unknown) => JSON.stringify(h)));
      offset += body.hits.length;
    }
    const time = (t: string) => JSON.parse(t).eventTimestamp;
    expect(got.map(time)).toEqual(expected.map(time));
    expect(got).not.toEqual(expected); // ties came back in other orders
  });
});
