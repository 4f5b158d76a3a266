// Fault switches for what a hostile upstream does (issue 22), over loopback HTTP against the real server: counts
// that lie, and their validation.
import { startAuditApi, type AuditApi } from '../../dev/auditApi';
import { adminCall, bearer, getPage, pageByOffset } from '../support/auditHttp';

const START = new Date('2024-05-01T00:00:00.000Z');
const HOUR = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-01T01:00:00.000Z' };
const TWO_HOURS = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-01T02:00:00.000Z' };

describe('counts that lie', () => {
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 120, start: START, spanSeconds: 3600, seed: 5 } });
    auth = bearer(api.apiKey);
  });
  afterAll(() => api.stop());
  afterEach(() => api.resetFaults());
  const all = () => [...api.eventsJson()];

  test('countCap: count says min(true, max); every hit is still served, past the cap too', async () => {
    api.setFaults({ countCap: { max: 50 } });
    const { body } = await getPage(api, { ...HOUR, size: 10 }, auth);
    expect(body.count).toBe(50);
    expect((await getPage(api, { ...HOUR, offset: 100, size: 10 }, auth)).body).toMatchObject({ count: 50, hits: { length: 10 } });
    expect((await pageByOffset(api, HOUR, 30, auth)).hits).toEqual(all());
    const small = { minDate: HOUR.minDate, maxDate: '2024-05-01T00:10:00.000Z' };
    const below = (await getPage(api, { ...small, size: 100 }, auth)).body;
    expect(below.count).toBe(below.hits.length); // under the cap, the truth
    expect(below.count).toBeLessThan(50);
  });

  test('countOffset: count says true + by, above or below, never under 0; the hits are unchanged', async () => {
    api.setFaults({ countOffset: { by: -3 } });
    expect((await getPage(api, { ...HOUR, size: 1000 }, auth)).body).toMatchObject({ count: 117, hits: { length: 120 } });
    api.setFaults({ countOffset: { by: 5 } });
    expect((await getPage(api, { ...HOUR, size: 1000 }, auth)).body).toMatchObject({ count: 125, hits: { length: 120 } });
    api.setFaults({ countOffset: { by: -500 } });
    expect((await getPage(api, { ...HOUR, size: 1000 }, auth)).body).toMatchObject({ count: 0, hits: { length: 120 } });
    const empty = { minDate: '2024-05-02T00:00:00.000Z', maxDate: '2024-05-02T01:00:00.000Z' };
    api.setFaults({ countOffset: { by: 2 } });
    expect((await getPage(api, { ...empty, size: 10 }, auth)).body).toEqual({ count: 2, hits: [] });
  });

  test('countOffset applies before countCap; noCount wins over both; legacy answers carry the same lie', async () => {
    api.setFaults({ countOffset: { by: 40 }, countCap: { max: 150 } });
    expect((await getPage(api, { ...TWO_HOURS, size: 1 }, auth)).body.count).toBe(150);
    api.setFaults({ countOffset: { by: -40 }, countCap: { max: 150 } });
    expect((await getPage(api, { ...TWO_HOURS, size: 1 }, auth)).body.count).toBe(80);
    api.setFaults({ countOffset: { by: -40 }, noCount: true });
    expect(Object.keys((await getPage(api, { ...HOUR, size: 1 }, auth)).body)).toEqual(['hits']);
    const legacy = await startAuditApi({ events: { count: 20, start: START, spanSeconds: 60, kind: 'immuta-legacy' }, faults: { countCap: { max: 7 } } });
    try {
      const { body } = await getPage(legacy, { ...HOUR, size: 100 }, legacy.apiKey);
      expect(body).toMatchObject({ count: 7, hits: { length: 20 } });
      expect(Object.keys(body)).toEqual(['hits', 'count', 'facets', 'minDate', 'maxDate']);
    } finally {
      await legacy.stop();
    }
  });

  test.each([
    [{ countCap: { max: -1 } }, /countCap.max must be an integer ≥ 0/],
    [{ countCap: { max: 2.5 } }, /countCap.max/],
    [{ countCap: 50 }, /countCap must be an object/],
    [{ countCap: { limit: 50 } }, /countCap.limit is not a known setting; known: max/],
    [{ countOffset: { by: 0.5 } }, /countOffset.by must be an integer from -4294967296 to 4294967296/],
    [{ countOffset: {} }, /countOffset.by must be an integer/],
  ] as const)('PUT /_admin/faults refuses %j with a message naming it', async (faults, message) => {
    const res = await adminCall(api, 'PUT', 'faults', faults);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });

  test('count switches read back as set', async () => {
    const faults = { countCap: { max: 10_000 }, countOffset: { by: -3 } };
    expect(await adminCall(api, 'PUT', 'faults', faults)).toEqual({ status: 200, body: faults });
  });
});
