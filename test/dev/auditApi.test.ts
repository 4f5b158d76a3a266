// The sample audit API over real HTTP on loopback: paging, boundaries, auth, validation, faults, admin, scale.
import { startAuditApi, type AuditApi, type AuditEventsOptions } from '../../dev/auditApi';

const START = new Date('2024-05-01T00:00:00.000Z');
const DAY = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-02T00:00:00.000Z' };
const MiB = 1024 * 1024;

const EXTRAS = [
  { id: 'boundary-0h', eventTimestamp: '2024-05-01T00:00:00.000Z', receivedTimestamp: '2024-05-01T00:00:00.000Z', note: 'start of the first hour' },
  { id: 'boundary-1h', eventTimestamp: '2024-05-01T01:00:00.000Z', note: 'exactly on the hour' },
  { id: 'boundary-2h', eventTimestamp: '2024-05-01T02:00:00.000Z', note: 'exactly on the next hour' },
  { id: 'unicode', eventTimestamp: '2024-05-01T00:10:00.000Z', text: 'Zoë Ünïcødé 日本語 🎉 \u2028 \u2029 line\nbreak\ttab "quoted" \\ back' },
  { id: 'huge', eventTimestamp: '2024-05-01T00:20:00.000Z', blob: 'é'.repeat(MiB / 2) + 'x'.repeat(16) },
];

const OPTIONS: AuditEventsOptions = { count: 250, start: START, spanSeconds: 7200, seed: 42, extraEvents: EXTRAS };

interface Answer { status: number; headers: Headers; bytes: Buffer; text: string }

async function get(api: AuditApi, query: Record<string, string | number> | string, key: string | null = api.apiKey): Promise<Answer> {
  const qs = typeof query === 'string' ? query : new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await fetch(`${api.url}/audit?${qs}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, bytes, text: bytes.toString('utf8') };
}

async function page(api: AuditApi, query: Record<string, string | number>): Promise<{ count: number; hits: Array<Record<string, unknown>>; text: string }> {
  const a = await get(api, query);
  expect(a.status).toBe(200);
  return { ...JSON.parse(a.text), text: a.text };
}

/** Exactly what the server must send for these hits. */
function body(count: number, hits: string[]): string {
  return `{"count":${count},"hits":[${hits.join(',')}]}`;
}

async function admin(api: AuditApi, method: string, path: string, json?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api.url}/_admin/${path}`, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : typeof json === 'string' ? json : JSON.stringify(json),
  });
  return { status: res.status, body: await res.json() };
}

describe('sample audit API', () => {
  let api: AuditApi;
  beforeAll(async () => {
    api = await startAuditApi({ events: OPTIONS });
  });
  afterAll(() => api.stop());
  afterEach(() => {
    api.resetFaults();
    api.setNow(null);
  });

  test('paging with offset/size returns every event once, in (eventTimestamp, id) order, with a short last page', async () => {
    const all: string[] = [];
    const sizes: number[] = [];
    for (let offset = 0; ; offset += 7) {
      const a = await get(api, { ...DAY, offset, size: 7, sortField: 'dateTime', sortOrder: 'asc' });
      const p = JSON.parse(a.text);
      expect(p.count).toBe(255);
      sizes.push(p.hits.length);
      all.push(...p.hits.map((h: unknown) => JSON.stringify(h)));
      if (p.hits.length < 7) break;
    }
    expect(all).toHaveLength(255);
    expect(sizes[sizes.length - 1]).toBe(255 % 7);
    const events = all.map((t) => JSON.parse(t));
    expect(new Set(events.map((e) => e.id)).size).toBe(255);
    for (let i = 1; i < events.length; i++) {
      const [a, b] = [events[i - 1], events[i]];
      const ta = Date.parse(a.eventTimestamp);
      const tb = Date.parse(b.eventTimestamp);
      expect(ta < tb || (ta === tb && a.id < b.id)).toBe(true);
    }
    expect(api.totalEvents).toBe(255);
  });

  test('eventsJson equals, byte for byte, what paging returns', async () => {
    const expected = [...api.eventsJson()];
    expect(expected).toHaveLength(255);
    for (const [offset, size] of [[0, 100], [100, 100], [200, 100]]) {
      const a = await get(api, { ...DAY, offset, size });
      expect(a.text).toBe(body(255, expected.slice(offset, offset + size)));
    }
    const hour = { minDate: new Date('2024-05-01T01:00:00Z'), maxDate: new Date('2024-05-01T02:00:00Z') };
    const inHour = [...api.eventsJson(hour)];
    expect((await get(api, { minDate: hour.minDate.toISOString(), maxDate: hour.maxDate.toISOString(), size: 10000 })).text).toBe(body(inHour.length, inHour));
  });

  test('minDate is inclusive and maxDate exclusive, for events exactly on the hour', async () => {
    const ids = async (minDate: string, maxDate: string) => (await page(api, { minDate, maxDate, size: 10000 })).hits.map((h) => h.id);
    const first = await ids('2024-05-01T00:00:00.000Z', '2024-05-01T01:00:00.000Z');
    const second = await ids('2024-05-01T01:00:00.000Z', '2024-05-01T02:00:00.000Z');
    expect(first).toContain('boundary-0h');
    expect(first).not.toContain('boundary-1h');
    expect(second).toContain('boundary-1h');
    expect(second).not.toContain('boundary-2h');
    expect(await ids('2024-05-01T02:00:00.000Z', '2024-05-01T03:00:00.000Z')).toEqual(['boundary-2h']);
    // Same instant written with a zone offset.
    expect(await ids('2024-05-01T03:00:00.000+02:00', '2024-05-01T01:00:00.001Z')).toContain('boundary-1h');
    expect(first.length + second.length + 1).toBe(255);
  });

  test('an empty range answers count 0 and no hits', async () => {
    for (const range of [
      { minDate: '2024-05-01T01:00:00.000Z', maxDate: '2024-05-01T01:00:00.000Z' },
      { minDate: '2020-01-01T00:00:00Z', maxDate: '2020-01-02T00:00:00Z' },
    ]) {
      const a = await get(api, range);
      expect(a.status).toBe(200);
      expect(a.text).toBe('{"count":0,"hits":[]}');
    }
    expect((await get(api, { ...DAY, offset: 10000 })).text).toBe('{"count":255,"hits":[]}');
  });

  test('serves caller-supplied events exactly as given: non-ASCII, U+2028/U+2029, newlines, 1 MiB', async () => {
    const a = await get(api, { minDate: '2024-05-01T00:05:00Z', maxDate: '2024-05-01T00:30:00Z', size: 10000 });
    expect(a.status).toBe(200);
    expect(Number(a.headers.get('content-length'))).toBe(a.bytes.length);
    expect(a.text).toContain(JSON.stringify(EXTRAS[3]));
    expect(a.text).toContain(JSON.stringify(EXTRAS[4]));
    expect(a.text).toContain('\u2028');
    expect(Buffer.byteLength(a.text)).toBeGreaterThan(MiB);
    const hits = JSON.parse(a.text).hits as Array<{ id: string }>;
    expect(hits.find((h) => h.id === 'unicode')).toEqual(EXTRAS[3]);
    expect(hits.find((h) => h.id === 'huge')).toEqual(EXTRAS[4]);
  });

  test('two servers with the same options serve identical bytes; another seed serves other events', async () => {
    const twin = await startAuditApi({ events: OPTIONS, apiKey: 'twin-key' });
    const other = await startAuditApi({ events: { ...OPTIONS, seed: 43 } });
    try {
      for (const offset of [0, 120, 250]) {
        const q = { ...DAY, offset, size: 50 };
        const [a, b, c] = await Promise.all([get(api, q), get(twin, q), get(other, q)]);
        expect(b.text).toBe(a.text);
        if (offset < 250) expect(c.text).not.toBe(a.text);
        expect(JSON.parse(c.text).count).toBe(255);
      }
    } finally {
      await Promise.all([twin.stop(), other.stop()]);
    }
  });

  test('401 with WWW-Authenticate: Bearer for a missing or wrong key, and the key never appears in answers', async () => {
    for (const key of [null, 'wrong', `${api.apiKey}x`]) {
      const a = await get(api, DAY, key);
      expect(a.status).toBe(401);
      expect(a.headers.get('www-authenticate')).toBe('Bearer');
      expect(JSON.parse(a.text)).toEqual({ statusCode: 401, error: 'Unauthorized', message: expect.any(String) });
      expect(a.text).not.toContain(api.apiKey);
    }
    const basic = await fetch(`${api.url}/audit?minDate=${DAY.minDate}&maxDate=${DAY.maxDate}`, { headers: { authorization: `Basic ${api.apiKey}` } });
    expect(basic.status).toBe(401);
  });

  test('400 names the parameter and what it expects', async () => {
    const cases: Array<[string, RegExp]> = [
      [`maxDate=${DAY.maxDate}`, /minDate is required/],
      [`minDate=${DAY.minDate}&maxDate=tomorrow`, /maxDate must be an ISO-8601 date-time/],
      [`minDate=${DAY.minDate}&maxDate=${DAY.maxDate}&size=10001`, /size must be an integer from 0 to 10000/],
      [`minDate=${DAY.minDate}&maxDate=${DAY.maxDate}&offset=-3`, /offset must be an integer/],
      [`minDate=${DAY.minDate}&maxDate=${DAY.maxDate}&sortField=eventTimestamp`, /sortField must be 'dateTime'/],
      [`minDate=${DAY.minDate}&maxDate=${DAY.maxDate}&sortOrder=desc`, /sortOrder must be 'asc'/],
    ];
    for (const [query, message] of cases) {
      const a = await get(api, query);
      expect(a.status).toBe(400);
      const e = JSON.parse(a.text);
      expect(e).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message) });
    }
  });

  test('unknown paths answer 404 and other methods 405', async () => {
    const r = await fetch(`${api.url}/v1/audit`, { headers: { authorization: `Bearer ${api.apiKey}` } });
    expect(r.status).toBe(404);
    expect(((await r.json()) as { statusCode: number }).statusCode).toBe(404);
    const post = await fetch(`${api.url}/audit`, { method: 'POST', headers: { authorization: `Bearer ${api.apiKey}` } });
    expect(post.status).toBe(405);
    await post.text();
  });

  describe('faults', () => {
    test('rateLimit: the next count requests get 429 with Retry-After, then success', async () => {
      api.setFaults({ rateLimit: { count: 2, retryAfterSeconds: 7 } });
      for (let i = 0; i < 2; i++) {
        const a = await get(api, DAY);
        expect(a.status).toBe(429);
        expect(a.headers.get('retry-after')).toBe('7');
        expect(JSON.parse(a.text)).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
      }
      expect((await get(api, DAY)).status).toBe(200);
    });

    test('auth wins over every fault and does not use up their counts', async () => {
      api.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 1 }, malformed: { count: 1 } });
      expect((await get(api, DAY, 'wrong')).status).toBe(401);
      expect((await get(api, DAY)).status).toBe(429);
      expect((await get(api, DAY, null)).status).toBe(401);
      const a = await get(api, DAY);
      expect(a.status).toBe(200);
      expect(() => JSON.parse(a.text)).toThrow();
    });

    test('serverErrors: count, status, order after rateLimit', async () => {
      api.setFaults({ serverErrors: { count: 2 } });
      for (let i = 0; i < 2; i++) {
        const a = await get(api, DAY);
        expect(a.status).toBe(503);
        expect(a.headers.get('retry-after')).toBe('1');
        expect(JSON.parse(a.text).statusCode).toBe(503);
      }
      expect((await get(api, DAY)).status).toBe(200);

      api.setFaults({ serverErrors: { count: 1, status: 500 } });
      const e = await get(api, DAY);
      expect(e.status).toBe(500);
      expect(e.headers.get('retry-after')).toBeNull();

      api.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 1 }, serverErrors: { count: 1, status: 502 } });
      expect([(await get(api, DAY)).status, (await get(api, DAY)).status, (await get(api, DAY)).status]).toEqual([429, 502, 200]);
    });

    test('serverErrors: a seeded-random rate, repeatable', async () => {
      const run = async () => {
        api.setFaults({ serverErrors: { rate: 0.5 } });
        const statuses: number[] = [];
        for (let i = 0; i < 40; i++) statuses.push((await get(api, { ...DAY, size: 1 })).status);
        return statuses;
      };
      const first = await run();
      const errors = first.filter((s) => s === 503).length;
      expect(errors).toBeGreaterThan(8);
      expect(errors).toBeLessThan(32);
      expect(first.every((s) => s === 503 || s === 200)).toBe(true);
      expect(await run()).toEqual(first);
    });

    test('delayMs: answers wait at least that long', async () => {
      api.setFaults({ delayMs: 300 });
      const t0 = Date.now();
      expect((await get(api, DAY)).status).toBe(200);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(290);
    });

    test('malformed: 200 with a body that is not JSON, then normal answers', async () => {
      api.setFaults({ malformed: { count: 1 } });
      const a = await get(api, DAY);
      expect(a.status).toBe(200);
      expect(() => JSON.parse(a.text)).toThrow();
      expect(JSON.parse((await get(api, DAY)).text).count).toBe(255);
    });

    test('truncated: 200 with the JSON cut in the middle and a matching Content-Length', async () => {
      api.setFaults({ truncated: { count: 1 } });
      const cut = await get(api, DAY); // includes multi-byte text, so the cut may split a character
      const full = await get(api, DAY);
      expect(cut.status).toBe(200);
      expect(Number(cut.headers.get('content-length'))).toBe(cut.bytes.length);
      expect(() => JSON.parse(cut.text)).toThrow();
      expect(cut.bytes.length).toBe(Math.floor(full.bytes.length / 2));
      expect(full.bytes.subarray(0, cut.bytes.length).equals(cut.bytes)).toBe(true);
    });

    test('reset: the socket is destroyed half-way through the body', async () => {
      api.setFaults({ reset: { count: 1 } });
      // undici's words for a body cut short by the peer closing the socket
      await expect(get(api, DAY)).rejects.toMatchObject({ name: 'TypeError', message: 'terminated', cause: { code: 'UND_ERR_SOCKET' } });
      expect((await get(api, DAY)).status).toBe(200);
    });

    test('stats count requests, statuses and intact events served', async () => {
      api.resetStats();
      api.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 1 }, truncated: { count: 1 } });
      await get(api, DAY);
      await get(api, DAY, null);
      await get(api, { ...DAY, size: 10 });
      await get(api, { ...DAY, size: 10 });
      expect(api.stats()).toEqual({ requests: 4, served: 10, byStatus: { '200': 2, '401': 1, '429': 1 } });
      api.resetStats();
      expect(api.stats()).toEqual({ requests: 0, served: 0, byStatus: {} });
    });
  });

  test('admin routes over HTTP: faults, stats and clock, without a key', async () => {
    const put = await admin(api, 'PUT', 'faults', { rateLimit: { count: 1, retryAfterSeconds: 3 } });
    expect(put).toEqual({ status: 200, body: { rateLimit: { count: 1, retryAfterSeconds: 3 } } });
    expect((await get(api, DAY)).status).toBe(429);
    expect((await admin(api, 'GET', 'faults')).body).toEqual({ rateLimit: { count: 0, retryAfterSeconds: 3 } });
    await admin(api, 'PUT', 'faults', { serverErrors: { count: 5 } });
    expect((await admin(api, 'DELETE', 'faults')).body).toEqual({});
    expect((await get(api, DAY)).status).toBe(200);

    const bad = await admin(api, 'PUT', 'faults', { rateLimit: { count: 'many' } });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/rateLimit.count/);
    expect((await admin(api, 'PUT', 'faults', 'not json')).status).toBe(400);

    const stats = await admin(api, 'GET', 'stats');
    expect(stats.body).toEqual(api.stats());
    expect(stats.body.requests).toBeGreaterThan(0);
    expect((await admin(api, 'DELETE', 'stats')).body).toEqual({ requests: 0, served: 0, byStatus: {} });
    expect(api.stats().requests).toBe(0);

    expect((await admin(api, 'PUT', 'clock', { now: '2024-05-01T00:30:00.000Z' })).body).toEqual({ now: '2024-05-01T00:30:00.000Z' });
    const early = JSON.parse((await get(api, DAY)).text).count;
    expect(early).toBeLessThan(255);
    expect(early).toBeGreaterThan(0);
    expect((await admin(api, 'PUT', 'clock', { now: null })).body).toEqual({ now: null });
    expect(JSON.parse((await get(api, DAY)).text).count).toBe(255);
    expect((await admin(api, 'PUT', 'clock', { now: 'soon' })).status).toBe(400);
    expect((await admin(api, 'GET', 'nothing')).status).toBe(404);
  });
});

describe('visibility: late and future events', () => {
  const start = new Date('2024-06-01T00:00:00.000Z');
  const at = (seconds: number) => new Date(start.getTime() + seconds * 1000);
  let api: AuditApi;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 400, start, spanSeconds: 3600, seed: 5 } });
  });
  afterAll(() => api.stop());

  const everything = { minDate: '2024-06-01T00:00:00Z', maxDate: '2024-06-02T00:00:00Z', size: 10000 };
  const visibleAt = (now: Date) => [...api.eventsJson()].filter((t) => Date.parse(JSON.parse(t).receivedTimestamp) <= now.getTime());

  test('events are served only once the clock passes their receivedTimestamp (a few hundred ms after the event)', async () => {
    const lags = [...api.eventsJson()].map((t) => JSON.parse(t)).map((e) => Date.parse(e.receivedTimestamp) - Date.parse(e.eventTimestamp));
    expect(Math.min(...lags)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...lags)).toBeLessThan(900);
    const now = at(1800);
    api.setNow(now);
    const expected = visibleAt(now);
    expect(expected.length).toBeGreaterThan(150);
    expect(expected.length).toBeLessThan(250);
    expect((await get(api, everything)).text).toBe(body(expected.length, expected));
  });

  test('late events are invisible (and not counted) before their receivedTimestamp, visible after', async () => {
    api.setFaults({ late: { fraction: 0.25, delaySeconds: 1800 } });
    const events = [...api.eventsJson()].map((t) => JSON.parse(t));
    const late = events.filter((e) => Date.parse(e.receivedTimestamp) - Date.parse(e.eventTimestamp) === 1_800_000);
    expect(late.length).toBeGreaterThan(60);
    expect(late.length).toBeLessThan(140);

    const afterSpan = at(3601);
    api.setNow(afterSpan);
    const expected = visibleAt(afterSpan);
    const hidden = late.filter((e) => Date.parse(e.receivedTimestamp) > afterSpan.getTime());
    expect(hidden.length).toBeGreaterThan(0);
    expect(expected.length).toBe(400 - hidden.length);
    const a = await get(api, everything);
    expect(a.text).toBe(body(expected.length, expected));
    expect(a.text).not.toContain(hidden[0].id);
    // Paging through the partly visible range with small pages still sees each visible event once.
    const ids: string[] = [];
    for (let offset = 0; offset < expected.length; offset += 33) ids.push(...(await page(api, { ...everything, offset, size: 33 })).hits.map((h) => h.id as string));
    expect(ids).toEqual(expected.map((t) => JSON.parse(t).id));

    api.setNow(at(3600 + 1800 + 1));
    const all = await page(api, everything);
    expect(all.count).toBe(400);
    expect(all.hits.map((h) => h.id)).toContain(hidden[0].id);
    api.resetFaults();
    api.setNow(null);
  });
});

describe('one million events', () => {
  test('starts without materialising events and answers a page from the middle with small heap growth', async () => {
    const before = process.memoryUsage().heapUsed;
    const api = await startAuditApi({ events: { count: 1_000_000, start: new Date('2024-01-01T00:00:00Z'), spanSeconds: 86400, seed: 77 } });
    try {
      expect(api.totalEvents).toBe(1_000_000);
      const q = { minDate: '2024-01-01T00:00:00Z', maxDate: '2024-01-02T00:00:00Z' };
      const mid = await page(api, { ...q, offset: 500_000, size: 1000 });
      expect(mid.count).toBe(1_000_000);
      expect(mid.hits).toHaveLength(1000);
      mid.hits.forEach((h, k) => expect((h.id as string).slice(0, 8)).toBe((500_000 + k).toString(16).padStart(8, '0')));
      const times = mid.hits.map((h) => Date.parse(h.eventTimestamp as string));
      for (let k = 1; k < times.length; k++) expect(times[k]).toBeGreaterThanOrEqual(times[k - 1]);
      expect(times[0]).toBeGreaterThanOrEqual(Date.parse('2024-01-01T11:59:00Z'));
      expect(times[999]).toBeLessThan(Date.parse('2024-01-01T12:03:00Z'));

      // A narrow range from the middle: its first event is the first at or after minDate.
      const narrow = { minDate: '2024-01-01T12:00:00.000Z', maxDate: '2024-01-01T12:00:05.000Z' };
      const expected = [...api.eventsJson({ minDate: new Date(narrow.minDate), maxDate: new Date(narrow.maxDate) })];
      expect(expected.length).toBeGreaterThan(40);
      expect((await get(api, { ...narrow, size: 10000 })).text).toBe(body(expected.length, expected));

      const last = await page(api, { ...q, offset: 999_990, size: 1000 });
      expect(last.hits).toHaveLength(10);
      expect(last.hits[9].id).toMatch(/^000f423f-/);
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(50 * MiB);
    } finally {
      await api.stop();
    }
  });
});
