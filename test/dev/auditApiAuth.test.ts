// The sample audit API's three auth modes over loopback HTTP: bearer, apikey (Immuta's raw form) and
// immuta-token (key exchanged for an expiring token at POST /bim/apikey/authenticate).
import { startAuditApi, type AuditApi, type AuditAuth } from '../../dev/auditApi';
import { adminCall, bearer, exchangeKey, getAudit } from '../support/auditHttp';

const START = new Date('2024-05-01T00:00:00.000Z');
const EVENTS = { count: 20, start: START, spanSeconds: 600, seed: 4 };
const RANGE = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-01T01:00:00.000Z' };
const KEY = 'k3y-for-tests';

describe.each([
  ['bearer', (key: string) => `Bearer ${key}`, [KEY, `Basic ${KEY}`]],
  ['apikey', (key: string) => key, [`Bearer ${KEY}`, `Basic ${KEY}`]],
] as const)('auth %s', (mode, good, refused) => {
  let api: AuditApi;
  beforeAll(async () => {
    api = await startAuditApi({ events: EVENTS, apiKey: KEY, auth: mode as AuditAuth });
  });
  afterAll(() => api.stop());

  test('only the mode\'s own header form with the right key is accepted', async () => {
    expect(api.auth).toBe(mode);
    expect((await getAudit(api, RANGE, good(KEY))).status).toBe(200);
    for (const header of [null, good('wrong'), good(`${KEY}x`), ...refused]) {
      const a = await getAudit(api, RANGE, header);
      expect(a.status).toBe(401);
      expect(JSON.parse(a.text)).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      expect(a.text).not.toContain(KEY);
    }
  });

  test('there is no token exchange route', async () => {
    const res = await exchangeKey(api, { apikey: KEY });
    expect(res.status).toBe(404);
    expect(api.stats()).not.toHaveProperty('tokenExchanges');
  });
});

describe('auth immuta-token', () => {
  let api: AuditApi;
  const T0 = new Date('2030-01-01T00:00:00.000Z');
  const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
  beforeAll(async () => {
    api = await startAuditApi({ events: EVENTS, apiKey: KEY, auth: 'immuta-token', tokenTtlSeconds: 60 });
  });
  afterAll(() => api.stop());
  beforeEach(() => {
    api.setNow(T0);
    api.resetStats();
  });

  async function token(): Promise<string> {
    const res = await exchangeKey(api, { apikey: KEY });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ authenticated: true, token: expect.stringMatching(/^\S{20,}$/) });
    return res.body.token;
  }

  test('the exchanged token is accepted as Bearer; the raw key is not, in either form', async () => {
    const t = await token();
    expect(t).not.toBe(KEY);
    expect((await getAudit(api, RANGE, bearer(t))).status).toBe(200);
    for (const header of [KEY, bearer(KEY), t, bearer(`${t}x`), null]) expect((await getAudit(api, RANGE, header)).status).toBe(401);
    const other = await token();
    expect(other).not.toBe(t); // random, not derived from the key
  });

  test('a wrong key is 401 and a malformed body 400, both as JSON errors; GET on the route is 405', async () => {
    const wrong = await exchangeKey(api, { apikey: 'nope' });
    expect(wrong).toEqual({ status: 401, body: { statusCode: 401, error: 'Unauthorized', message: expect.any(String) } });
    for (const body of ['not json', { key: KEY }, { apikey: 42 }, [KEY], 'null']) {
      const bad = await exchangeKey(api, body);
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    }
    const get = await fetch(`${api.url}/bim/apikey/authenticate`);
    expect(get.status).toBe(405);
    await get.text();
  });

  test('tokens expire after tokenTtlSeconds on the server clock (401 saying so); exchanging again works', async () => {
    const t = await token();
    api.setNow(at(59.999));
    expect((await getAudit(api, RANGE, bearer(t))).status).toBe(200);
    api.setNow(at(60));
    const expired = await getAudit(api, RANGE, bearer(t));
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.parse(expired.text).message).toMatch(/expired/);
    const fresh = await token();
    expect((await getAudit(api, RANGE, bearer(fresh))).status).toBe(200);
    expect((await getAudit(api, RANGE, bearer(t))).status).toBe(401);
  });

  test('expireTokens() and POST /_admin/tokens/expire end every token now', async () => {
    const [a, b] = [await token(), await token()];
    expect(api.expireTokens()).toBeGreaterThanOrEqual(2);
    for (const t of [a, b]) expect((await getAudit(api, RANGE, bearer(t))).status).toBe(401);
    api.setNow(T0); // moving the clock does not revive them
    expect((await getAudit(api, RANGE, bearer(a))).status).toBe(401);

    const c = await token();
    expect((await getAudit(api, RANGE, bearer(c))).status).toBe(200);
    expect(await adminCall(api, 'POST', 'tokens/expire')).toEqual({ status: 200, body: { expired: 1 } });
    expect((await getAudit(api, RANGE, bearer(c))).status).toBe(401);
    expect((await getAudit(api, RANGE, bearer(await token()))).status).toBe(200);
  });

  test('stats count token exchanges, and exchanges as requests by status', async () => {
    await token();
    await token();
    await exchangeKey(api, { apikey: 'nope' });
    await getAudit(api, RANGE, null);
    expect(api.stats()).toEqual({ requests: 4, served: 0, byStatus: { '200': 2, '401': 2 }, tokenExchanges: 2 });
    expect((await adminCall(api, 'GET', 'stats')).body.tokenExchanges).toBe(2);
  });
});

test('an unknown auth mode or a bad token lifetime is refused at start', async () => {
  await expect(startAuditApi({ events: EVENTS, auth: 'basic' as never })).rejects.toThrow(/auth must be one of/);
  await expect(startAuditApi({ events: EVENTS, auth: 'immuta-token', tokenTtlSeconds: 0 })).rejects.toThrow(/tokenTtlSeconds/);
});
