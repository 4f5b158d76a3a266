// Fault switches that change what a page holds, over loopback HTTP: pageCap, unstableTies, bounds,
// noCount, and their validation.
import { startAuditApi, type AuditApi, type AuditFaults } from '../../dev/auditApi';
import { adminCall, bearer, getPage, pageByOffset } from '../support/auditHttp';

const START = new Date('2024-05-01T00:00:00.000Z');
const T0 = '2024-05-01T00:20:00.000Z';
const T1 = '2024-05-01T00:40:00.000Z';
const EXTRAS = [
  { id: 'x-at-min', eventTimestamp: T0 },
  { id: 'x-after-min', eventTimestamp: '2024-05-01T00:20:00.001Z' },
  { id: 'x-before-max', eventTimestamp: '2024-05-01T00:39:59.999Z' },
  { id: 'x-at-max', eventTimestamp: T1 },
];
const HOUR = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-01T01:00:00.000Z' };
const ids = (hits: any[]) => hits.map((h) => h.id as string);
const timeOf = (json: string) => Date.parse(JSON.parse(json).eventTimestamp);

describe('paging faults', () => {
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 96, start: START, spanSeconds: 3600, seed: 8, sameInstant: 6, extraEvents: EXTRAS } });
    auth = bearer(api.apiKey);
  });
  afterAll(() => api.stop());
  afterEach(() => api.resetFaults());
  const all = () => [...api.eventsJson()];

  test('pageCap: at most N hits whatever size asks, count unchanged, nothing announces it', async () => {
    api.setFaults({ pageCap: 7 });
    const { body } = await getPage(api, { ...HOUR, size: 100 }, auth);
    expect(Object.keys(body)).toEqual(['count', 'hits']);
    expect(body.count).toBe(100);
    expect(body.hits).toHaveLength(7);
    // A pager that takes a short page for the end loses the rest; one that trusts count gets everything.
    expect((await pageByOffset(api, HOUR, 100, auth)).hits).toHaveLength(7);
    const got: string[] = [];
    for (let offset = 0, n = 0; offset < body.count && n < 50; n++) {
      const page = (await getPage(api, { ...HOUR, offset, size: 100 }, auth)).body.hits.map((h: unknown) => JSON.stringify(h));
      expect(page.length).toBeLessThanOrEqual(7);
      got.push(...page);
      offset += page.length;
    }
    expect(got).toEqual(all());
  });

  test('without unstableTies, the same request answers the same bytes', async () => {
    const a = await getPage(api, { ...HOUR, size: 1000 }, auth);
    expect((await getPage(api, { ...HOUR, size: 1000 }, auth)).text).toBe(a.text);
  });

  test('unstableTies: events of one instant come back in another order on each request, only within their instant', async () => {
    api.setFaults({ unstableTies: true });
    const stable = all();
    const answers: string[][] = [];
    for (let n = 0; n < 3; n++) answers.push((await getPage(api, { ...HOUR, size: 1000 }, auth)).body.hits.map((h: unknown) => JSON.stringify(h)));
    for (const served of answers) {
      expect([...served].sort()).toEqual([...stable].sort());
      expect(served.map(timeOf)).toEqual(stable.map(timeOf)); // time order kept; ties reordered
      expect(served).not.toEqual(stable);
    }
    expect(answers[1]).not.toEqual(answers[0]);
    expect(answers[2]).not.toEqual(answers[1]);
  });

  test('unstableTies: offset pages overlap and leave holes, the same way each time the faults are set', async () => {
    const run = async () => {
      api.setFaults({ unstableTies: true });
      return (await pageByOffset(api, HOUR, 4, auth)).hits.map((h) => JSON.parse(h).id as string);
    };
    const first = await run();
    const truth = all().map((t) => JSON.parse(t).id as string);
    expect(first).toHaveLength(truth.length);
    const missing = truth.filter((id) => !first.includes(id));
    expect(missing.length).toBeGreaterThan(0);
    expect(new Set(first).size).toBe(truth.length - missing.length);
    expect(await run()).toEqual(first);
  });

  test.each([
    ['inclusive', 'exclusive'],
    ['inclusive', 'inclusive'],
    ['exclusive', 'exclusive'],
    ['exclusive', 'inclusive'],
  ] as const)('bounds minDate %s, maxDate %s: events at the bounds in or out as set, count agrees with the hits', async (minBound, maxBound) => {
    api.setFaults({ bounds: { minDate: minBound, maxDate: maxBound } });
    const [lo, hi] = [Date.parse(T0), Date.parse(T1)];
    const expected = all().filter((t) => {
      const ms = timeOf(t);
      return (minBound === 'inclusive' ? ms >= lo : ms > lo) && (maxBound === 'inclusive' ? ms <= hi : ms < hi);
    });
    const { body } = await getPage(api, { minDate: T0, maxDate: T1, size: 1000 }, auth);
    expect(body.hits.map((h: unknown) => JSON.stringify(h))).toEqual(expected);
    expect(body.count).toBe(body.hits.length);
    expect(ids(body.hits).includes('x-at-min')).toBe(minBound === 'inclusive');
    expect(ids(body.hits).includes('x-at-max')).toBe(maxBound === 'inclusive');
    expect(ids(body.hits)).toEqual(expect.arrayContaining(['x-after-min', 'x-before-max']));
    const paged = await pageByOffset(api, { minDate: T0, maxDate: T1 }, 5, auth);
    expect(paged.hits).toEqual(expected);

    // Sub-millisecond bounds: the instant lies between two events, so both settings agree.
    const fine = (await getPage(api, { minDate: '2024-05-01T00:20:00.000500Z', maxDate: '2024-05-01T00:39:59.999500Z', size: 1000 }, auth)).body;
    expect(ids(fine.hits)).not.toContain('x-at-min');
    expect(ids(fine.hits)).not.toContain('x-at-max');
    expect(ids(fine.hits)).toEqual(expect.arrayContaining(['x-after-min', 'x-before-max']));
    expect(fine.count).toBe(fine.hits.length);
  });

  test('bounds with minDate = maxDate: a single instant when both are inclusive, nothing otherwise', async () => {
    const at = { minDate: T0, maxDate: T0, size: 100 };
    api.setFaults({ bounds: { minDate: 'inclusive', maxDate: 'inclusive' } });
    expect(ids((await getPage(api, at, auth)).body.hits)).toContain('x-at-min');
    api.setFaults({ bounds: { minDate: 'exclusive', maxDate: 'inclusive' } });
    expect((await getPage(api, at, auth)).body).toEqual({ count: 0, hits: [] });
  });

  test('noCount: answers have no count field (UAM and legacy)', async () => {
    api.setFaults({ noCount: true });
    const { text } = await getPage(api, { ...HOUR, size: 3 }, auth);
    expect(Object.keys(JSON.parse(text))).toEqual(['hits']);
    expect(text).not.toContain('"count"');
    const legacy = await startAuditApi({ events: { count: 5, start: START, spanSeconds: 60, kind: 'immuta-legacy' }, faults: { noCount: true } });
    try {
      const body = (await getPage(legacy, HOUR, legacy.apiKey)).body;
      expect(Object.keys(body)).toEqual(['hits', 'facets', 'minDate', 'maxDate']);
      expect(body.hits).toHaveLength(5);
    } finally {
      await legacy.stop();
    }
  });

  test('countCap and countOffset: the count lies, the hits do not', async () => {
    const truth = (await getPage(api, { ...HOUR, size: 3 }, auth)).body;
    api.setFaults({ countOffset: { by: -3 } });
    const short = (await getPage(api, { ...HOUR, size: 3 }, auth)).body;
    expect(short).toEqual({ ...truth, count: truth.count - 3 });
    api.setFaults({ countOffset: { by: 5 }, countCap: { max: 2 } });
    expect((await getPage(api, { ...HOUR, size: 3 }, auth)).body).toEqual({ ...truth, count: 2 });
  });

  test.each([
    [{ countCap: { max: -1 } }, /countCap.max/],
    [{ countOffset: { by: 0.5 } }, /countOffset.by/],
    [{ pageCap: 0 }, /pageCap/],
    [{ pageCap: 2.5 }, /pageCap/],
    [{ unstableTies: 'yes' }, /unstableTies must be true or false/],
    [{ bounds: { minDate: 'open' } }, /bounds.minDate must be 'inclusive' or 'exclusive'/],
    [{ bounds: { start: 'inclusive' } }, /bounds.start is not a known setting/],
    [{ duplicates: { every: 0 } }, /duplicates.every/],
    [{ mutate: { insert: -1 } }, /mutate.insert/],
    [{ mutate: { afterRequests: 0 } }, /mutate.afterRequests/],
    [{ noCount: 1 }, /noCount must be true or false/],
  ] as const)('PUT /_admin/faults refuses %j with a message naming it', async (faults, message) => {
    const res = await adminCall(api, 'PUT', 'faults', faults);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  test('faults set over HTTP read back with their defaults filled in', async () => {
    const faults: AuditFaults = { pageCap: 3, unstableTies: true, bounds: { minDate: 'exclusive', maxDate: 'exclusive' }, duplicates: { every: 9 }, noCount: true };
    expect(await adminCall(api, 'PUT', 'faults', { ...faults, mutate: { insert: 2 } })).toEqual({
      status: 200,
      body: { ...faults, mutate: { insert: 2, remove: 0, afterRequests: 1 } },
    });
    const { body } = await getPage(api, { ...HOUR, size: 10 }, auth);
    expect(body.hits).toHaveLength(3);
  });
});
