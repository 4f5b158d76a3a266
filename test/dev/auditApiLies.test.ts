// Fault switches for what a hostile upstream does (issue 22), over loopback HTTP against the real server: counts
// that lie, ids spelled two ways, unreadable events, ids re-stamped, order broken across pages, and their validation
// and ground truth.
import { startAuditApi, type AuditApi, type AuditRestamped, type AuditUnreadable } from '../../dev/auditApi';
import { escapedIdToken } from '../../dev/auditApi/escapes';
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

describe('escapedIds', () => {
  const EXTRAS = [
    { id: 'tenant/0018', eventTimestamp: '2024-05-01T00:30:00.000Z', n: 1 },
    { n: 2, id: '0019', eventTimestamp: '2024-05-01T00:31:00.000Z' },
  ];
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 40, start: START, spanSeconds: 3600, seed: 6, extraEvents: EXTRAS } });
    auth = bearer(api.apiKey);
  });
  afterAll(() => api.stop());
  afterEach(() => api.resetFaults());
  /** Each hit's own id token (nested objects never start with "id"; the second extra has "n" first). */
  const idTokens = (text: string) => [...text.matchAll(/[[,]\{(?:"n":\d+,)?"id":("(?:[^"\\]|\\.)*"|\d+)/g)].map((m) => m[1]!);

  test('the token spells the same string by value: slashes as \\/, the first letter (else first character) as \\u00XX', () => {
    expect(escapedIdToken('tenant/0018')).toBe('"\\u0074enant\\/0018"');
    expect(escapedIdToken('0019')).toBe('"\\u0030019"');
    expect(escapedIdToken('12/34')).toBe('"\\u00312\\/34"');
    for (const id of ['tenant/0018', '0019', 'a"b\\c/d', '\\n/', 'é', '\u2028x', '😀', '', 'ABC']) {
      const token = escapedIdToken(id);
      expect(JSON.parse(token)).toBe(id);
      if (id !== '') expect(token).not.toBe(JSON.stringify(id));
    }
  });

  test('every Nth answer spells every id with escapes; the other answers as stored; by value the same events', async () => {
    api.setFaults({ escapedIds: { every: 2 } });
    const plain = [...api.eventsJson()];
    const answers: string[] = [];
    for (let n = 0; n < 4; n++) answers.push((await getPage(api, { ...HOUR, size: 100 }, auth)).text);
    expect(answers[0]).toBe(answers[2]);
    expect(answers[1]).toBe(answers[3]);
    expect(answers[0]).toBe(`{"count":42,"hits":[${plain.join(',')}]}`);
    const escaped = idTokens(answers[1]!);
    expect(escaped).toHaveLength(42);
    for (const token of escaped) expect(token).toMatch(/\\u00[0-9a-f]{2}/);
    expect(escaped).toContain('"\\u0074enant\\/0018"');
    expect(escaped).toContain('"\\u0030019"');
    expect(JSON.parse(answers[1]!)).toEqual(JSON.parse(answers[0]!));
    // Only the ids changed: the rest of each event is byte for byte as stored.
    expect(answers[1]!.replace(/"id":"(?:[^"\\]|\\.)*"/g, 'ID')).toBe(answers[0]!.replace(/"id":"(?:[^"\\]|\\.)*"/g, 'ID'));
  });

  test('paged by offset, one event can come with its id spelled both ways on either side of a boundary', async () => {
    api.setFaults({ escapedIds: { every: 2 } });
    const pages = (await pageByOffset(api, HOUR, 5, auth)).pages;
    expect(pages.flat().map((t) => JSON.parse(t))).toEqual([...api.eventsJson()].map((t) => JSON.parse(t)));
    // Overlapping pages, as a pager reading ahead asks them: the shared event in two spellings.
    api.setFaults({ escapedIds: { every: 2 } });
    const a = (await getPage(api, { ...HOUR, offset: 0, size: 5 }, auth)).text;
    const b = (await getPage(api, { ...HOUR, offset: 4, size: 5 }, auth)).text;
    const [lastOfA, firstOfB] = [idTokens(a).at(-1)!, idTokens(b)[0]!];
    expect(firstOfB).not.toBe(lastOfA);
    expect(JSON.parse(firstOfB)).toBe(JSON.parse(lastOfA));
  });

  test('legacy records too; every: 1 escapes every answer', async () => {
    const legacy = await startAuditApi({ events: { count: 10, start: START, spanSeconds: 60, kind: 'immuta-legacy' }, faults: { escapedIds: { every: 1 } } });
    try {
      const { text, body } = await getPage(legacy, { ...HOUR, size: 100 }, legacy.apiKey);
      expect(idTokens(text).every((t) => t.includes('\\u00'))).toBe(true);
      expect(body.hits).toEqual([...legacy.eventsJson()].map((t) => JSON.parse(t)));
    } finally {
      await legacy.stop();
    }
  });

  test.each([
    [{ escapedIds: { every: 0 } }, /escapedIds.every must be an integer ≥ 1/],
    [{ escapedIds: true }, /escapedIds must be an object/],
    [{ escapedIds: { every: 2, style: 'u' } }, /escapedIds.style is not a known setting; known: every/],
  ] as const)('PUT /_admin/faults refuses %j with a message naming it', async (faults, message) => {
    const res = await adminCall(api, 'PUT', 'faults', faults);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });
});

describe('unreadable', () => {
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 60, start: START, spanSeconds: 3600, seed: 7 } });
    auth = bearer(api.apiKey);
  });
  afterAll(() => api.stop());
  afterEach(() => api.resetFaults());
  const hour = (iso: string) => iso.slice(0, 13);

  test('every Nth event is served unreadable, the kinds in turn, in its place; the same bytes on every request', async () => {
    const stored = [...api.eventsJson()];
    api.setFaults({ unreadable: { every: 5 } });
    const { text, body } = await getPage(api, { ...HOUR, size: 100 }, auth);
    expect(body.count).toBe(60);
    expect((await getPage(api, { ...HOUR, size: 100 }, auth)).text).toBe(text);
    expect((await pageByOffset(api, HOUR, 7, auth)).hits).toEqual(body.hits.map((h: unknown) => JSON.stringify(h)));
    const truth: AuditUnreadable[] = api.unreadable();
    expect(truth.map((u) => u.kind)).toEqual(Array.from({ length: 12 }, (_, k) => ['leapSecond', 'numericId', 'noZone', 'noTime'][k % 4]));
    expect((await adminCall(api, 'GET', 'unreadable')).body).toEqual(truth);
    const served = [...api.eventsJson()];
    expect(text).toBe(`{"count":60,"hits":[${served.join(',')}]}`);
    for (let i = 0; i < 60; i++) {
      const u = truth.find((x) => x.json === served[i]);
      if ((i + 1) % 5 !== 0) {
        expect({ i, json: served[i] }).toEqual({ i, json: stored[i] });
        continue;
      }
      expect(u).toBeDefined();
      const was = JSON.parse(stored[i]!);
      const is = JSON.parse(served[i]!);
      expect(u!).toMatchObject({ id: was.id, at: was.eventTimestamp });
      switch (u!.kind) {
        case 'leapSecond':
          expect(is.eventTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:59:60\.\d{3}Z$/);
          expect(hour(is.eventTimestamp)).toBe(hour(was.eventTimestamp));
          expect(Number.isNaN(Date.parse(is.eventTimestamp))).toBe(true);
          expect({ ...is, eventTimestamp: was.eventTimestamp }).toEqual(was);
          break;
        case 'numericId':
          expect(is.id).toBe(i);
          expect({ ...is, id: was.id }).toEqual(was);
          break;
        case 'noZone':
          expect([is.eventTimestamp, is.receivedTimestamp]).toEqual([was.eventTimestamp.slice(0, -1), was.receivedTimestamp.slice(0, -1)]);
          break;
        case 'noTime': {
          expect(is).not.toHaveProperty('eventTimestamp');
          expect(is).not.toHaveProperty('receivedTimestamp');
          const { eventTimestamp, receivedTimestamp, ...rest } = was;
          expect(is).toEqual(rest);
        }
      }
    }
  });

  test('kinds chooses the ways; the truth is listed by range; a range without any lists none', async () => {
    api.setFaults({ unreadable: { every: 3, kinds: ['numericId', 'noTime'] } });
    const first20 = { minDate: HOUR.minDate, maxDate: '2024-05-01T00:20:00.000Z' };
    const listed = api.unreadable({ minDate: new Date(first20.minDate), maxDate: new Date(first20.maxDate) });
    expect(listed.length).toBeGreaterThan(3);
    expect(listed.every((u) => u.at >= first20.minDate && u.at < first20.maxDate)).toBe(true);
    expect(new Set(listed.map((u) => u.kind))).toEqual(new Set(['numericId', 'noTime']));
    expect((await adminCall(api, 'GET', `unreadable?${new URLSearchParams(first20)}`)).body).toEqual(listed);
    const { body } = await getPage(api, { ...first20, size: 100 }, auth);
    expect(body.hits.filter((h: any) => typeof h.id === 'number' || h.eventTimestamp === undefined)).toHaveLength(listed.length);
    expect(api.unreadable({ minDate: new Date('2024-06-01T00:00:00.000Z') })).toEqual([]);
    api.resetFaults();
    expect(api.unreadable()).toEqual([]);
    expect((await getPage(api, { ...HOUR, size: 100 }, auth)).body.hits.every((h: any) => typeof h.id === 'string' && h.eventTimestamp)).toBe(true);
  });

  test('an answer that escapes ids still serves the numeric id as a number', async () => {
    api.setFaults({ unreadable: { every: 2, kinds: ['numericId'] }, escapedIds: { every: 1 } });
    const { text, body } = await getPage(api, { ...HOUR, size: 100 }, auth);
    expect(body.hits.filter((h: any) => typeof h.id === 'number')).toHaveLength(30);
    expect(text).toContain('{"id":1,');
    expect(text).toContain('\\u00');
  });

  test('offset timestamps keep their zone on a leap second and lose it without a zone', async () => {
    const zoned = await startAuditApi({ events: { count: 8, start: START, spanSeconds: 600, timestampStyle: 'offset-micros' }, faults: { unreadable: { every: 1, kinds: ['leapSecond', 'noZone'] } } });
    try {
      const hits = (await getPage(zoned, { ...HOUR, size: 100 }, bearer(zoned.apiKey))).body.hits;
      expect(hits[0].eventTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:59:60\.\d{6}[+-]\d\d:\d\d$/);
      expect(hits[1].eventTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
      expect(hits[1].receivedTimestamp).toMatch(/\.\d{6}$/);
    } finally {
      await zoned.stop();
    }
  });

  test('legacy records: an unreadable dateTime (an ISO text with a leap second or no zone, or none), or a numeric id', async () => {
    const legacy = await startAuditApi({ events: { count: 8, start: START, spanSeconds: 600, kind: 'immuta-legacy' }, faults: { unreadable: { every: 2 } } });
    try {
      const { body } = await getPage(legacy, { ...HOUR, size: 100 }, legacy.apiKey);
      const truth = legacy.unreadable();
      expect(truth.map((u) => u.kind)).toEqual(['leapSecond', 'numericId', 'noZone', 'noTime']);
      const [leap, numeric, zoneless, timeless] = [1, 3, 5, 7].map((i) => body.hits[i]);
      expect(leap.dateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:59:60\.\d{3}Z$/);
      expect(numeric).toMatchObject({ id: 3, dateTime: Date.parse(truth[1]!.at) });
      expect(zoneless.dateTime).toBe(truth[2]!.at.slice(0, -1));
      expect(timeless).not.toHaveProperty('dateTime');
      expect(timeless.id).toBe(truth[3]!.id);
      expect(body.hits.map((h: unknown) => JSON.stringify(h))).toEqual([...legacy.eventsJson()]);
    } finally {
      await legacy.stop();
    }
  });

  test('GET /_admin/unreadable refuses a bad range and a list longer than it answers', async () => {
    expect(await adminCall(api, 'GET', 'unreadable?minDate=yesterday')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/minDate must be an ISO-8601 date-time/) } });
    const many = await startAuditApi({ events: { count: 10_001, start: START, spanSeconds: 3600 }, faults: { unreadable: { every: 1 } } });
    try {
      expect(await adminCall(many, 'GET', 'unreadable')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/more than 10000 unreadable events in this range; ask with a narrower/) } });
      expect((await adminCall(many, 'GET', `unreadable?maxDate=2024-05-01T00:30:00.000Z`)).body.length).toBeGreaterThan(4000);
    } finally {
      await many.stop();
    }
  });

  test.each([
    [{ unreadable: { every: 0 } }, /unreadable.every must be an integer ≥ 1/],
    [{ unreadable: {} }, /unreadable.every must be an integer/],
    [{ unreadable: { every: 2, kinds: [] } }, /unreadable.kinds must be a non-empty list of distinct kinds from: leapSecond, numericId, noZone, noTime/],
    [{ unreadable: { every: 2, kinds: ['leap'] } }, /unreadable.kinds must be/],
    [{ unreadable: { every: 2, kinds: ['noTime', 'noTime'] } }, /unreadable.kinds must be/],
    [{ unreadable: { every: 2, kinds: 'noTime' } }, /unreadable.kinds must be/],
    [{ unreadable: { every: 2, kind: 'noTime' } }, /unreadable.kind is not a known setting; known: every, kinds/],
  ] as const)('PUT /_admin/faults refuses %j with a message naming it', async (faults, message) => {
    const res = await adminCall(api, 'PUT', 'faults', faults);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });
});

describe('restampIds', () => {
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 60, start: START, spanSeconds: 3600, seed: 9 } });
    auth = bearer(api.apiKey);
  });
  afterAll(() => api.stop());
  afterEach(() => {
    api.resetFaults();
    api.setNow(null);
  });
  const parsed = (texts: string[]) => texts.map((t) => JSON.parse(t));

  test('every Nth event is stored a second time, same id, at a later instant in the same or the next hour, in time order', async () => {
    const before = [...api.eventsJson()];
    api.setFaults({ restampIds: { every: 10 } });
    const truth: AuditRestamped[] = api.restamped();
    expect(truth).toHaveLength(6);
    expect((await adminCall(api, 'GET', 'restamped')).body).toEqual(truth);
    expect(api.totalEvents).toBe(66);
    const { body } = await getPage(api, { ...TWO_HOURS, size: 1000 }, auth);
    expect(body.count).toBe(66);
    const served = body.hits.map((h: unknown) => JSON.stringify(h));
    expect(served).toEqual([...api.eventsJson()]);
    expect((await pageByOffset(api, TWO_HOURS, 7, auth)).hits).toEqual(served);
    const times = body.hits.map((h: any) => Date.parse(h.eventTimestamp));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(served.filter((t: string) => !before.includes(t))).toEqual(expect.arrayContaining(truth.map((r) => r.json)));
    for (const r of truth) {
      const [first, copy] = body.hits.filter((h: any) => h.id === r.id);
      expect(first.eventTimestamp).toBe(r.at);
      expect(copy.eventTimestamp).toBe(r.restampedAt);
      const [at, again] = [Date.parse(r.at), Date.parse(r.restampedAt)];
      expect(again).toBeGreaterThan(at);
      expect(Math.floor(again / 3_600_000) - Math.floor(at / 3_600_000)).toBeLessThanOrEqual(1);
      // The same event: only its times (and the session, which is per hour) differ.
      const same = (e: any) => ({ ...e, eventTimestamp: 0, receivedTimestamp: 0, sessionId: 0 });
      expect(same(copy)).toEqual(same(first));
    }
    expect(new Set(parsed(before).map((e) => e.id))).toEqual(new Set(body.hits.map((h: any) => h.id)));
  });

  test('the truth by range is by the copy\'s instant; a copy is served only once the clock reaches it', async () => {
    api.setFaults({ restampIds: { every: 4 } });
    const all = api.restamped();
    const second = { minDate: new Date('2024-05-01T01:00:00.000Z'), maxDate: new Date('2024-05-01T02:00:00.000Z') };
    const late = api.restamped(second);
    expect(late.length).toBeGreaterThan(0);
    expect(late).toEqual(all.filter((r) => r.restampedAt >= '2024-05-01T01:00:00.000Z'));
    expect((await adminCall(api, 'GET', `restamped?minDate=2024-05-01T01:00:00.000Z`)).body).toEqual(late);
    expect((await getPage(api, { minDate: '2024-05-01T01:00:00.000Z', maxDate: TWO_HOURS.maxDate, size: 100 }, auth)).body.hits.map((h: any) => h.id).sort()).toEqual(late.map((r) => r.id).sort());
    const now = new Date('2024-05-01T01:00:00.000Z');
    api.setNow(now);
    const ids = (await getPage(api, { ...TWO_HOURS, size: 1000 }, auth)).body.hits.map((h: any) => h.id);
    for (const r of all) expect(ids.filter((id: string) => id === r.id)).toHaveLength(Date.parse(JSON.parse(r.json).receivedTimestamp) <= now.getTime() ? 2 : 1);
  });

  test('legacy records are re-stamped in dateTime', async () => {
    const legacy = await startAuditApi({ events: { count: 10, start: START, spanSeconds: 600, kind: 'immuta-legacy' }, faults: { restampIds: { every: 5 } } });
    try {
      const { body } = await getPage(legacy, { ...TWO_HOURS, size: 100 }, legacy.apiKey);
      expect(body.count).toBe(12);
      for (const r of legacy.restamped()) {
        expect(body.hits.filter((h: any) => h.id === r.id).map((h: any) => h.dateTime)).toEqual([Date.parse(r.at), Date.parse(r.restampedAt)]);
      }
    } finally {
      await legacy.stop();
    }
  });

  test.each([
    [{ restampIds: { every: 0 } }, /restampIds.every must be an integer ≥ 1/],
    [{ restampIds: { every: 3, within: 60 } }, /restampIds.within is not a known setting; known: every/],
  ] as const)('PUT /_admin/faults refuses %j with a message naming it', async (faults, message) => {
    const res = await adminCall(api, 'PUT', 'faults', faults);
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(message);
  });
});

describe('sortWithinPagesOnly', () => {
  let api: AuditApi;
  let auth: string;
  beforeAll(async () => {
    api = await startAuditApi({ events: { count: 100, start: START, spanSeconds: 7200, seed: 11 } });
    auth = bearer(api.apiKey);
  });
  afterAll(() => api.stop());
  afterEach(() => api.resetFaults());
  const time = (t: string) => Date.parse(JSON.parse(t).eventTimestamp);
  const sorted = (texts: string[]) => [...texts].sort((a, b) => time(a) - time(b) || (JSON.parse(a).id < JSON.parse(b).id ? -1 : 1));

  test('each page is sorted, the pages are not; paged by offset to the count, every event comes once', async () => {
    api.setFaults({ sortWithinPagesOnly: true });
    const truth = [...api.eventsJson()].filter((t) => time(t) < Date.parse(HOUR.maxDate));
    const { pages, hits } = await pageByOffset(api, HOUR, 10, auth);
    expect((await getPage(api, { ...HOUR, size: 1 }, auth)).body.count).toBe(truth.length);
    expect(sorted(hits)).toEqual(truth);
    expect(hits).not.toEqual(truth);
    for (const page of pages) expect(page).toEqual(sorted(page));
    const backwards = pages.filter((p, k) => k > 0 && p.length > 0 && time(p[0]!) < time(pages[k - 1]!.at(-1)!));
    expect(backwards.length).toBeGreaterThan(0);
    // A page as large as the range is the range, sorted.
    expect((await getPage(api, { ...HOUR, size: 1000 }, auth)).body.hits.map((h: unknown) => JSON.stringify(h))).toEqual(truth);
    expect((await pageByOffset(api, HOUR, 10, auth)).pages).toEqual(pages);
  });

  test('asking again from the last instant seen (keyset) skips events, though minDate is honoured', async () => {
    api.setFaults({ sortWithinPagesOnly: true });
    const truth = [...api.eventsJson({ minDate: new Date(HOUR.minDate), maxDate: new Date(HOUR.maxDate) })];
    const got: string[] = [];
    let from = HOUR.minDate;
    for (let n = 0; n < 100; n++) {
      const { body } = await getPage(api, { minDate: from, maxDate: HOUR.maxDate, size: 10 }, auth);
      const page = body.hits.map((h: unknown) => JSON.stringify(h));
      for (const t of page) expect(time(t)).toBeGreaterThanOrEqual(Date.parse(from));
      got.push(...page);
      if (page.length < 10) break;
      from = new Date(time(page.at(-1)!) + 1).toISOString();
    }
    expect(new Set(got).size).toBe(got.length);
    expect(got.length).toBeLessThan(truth.length);
    expect(got.every((t) => truth.includes(t))).toBe(true);
  });

  test('over a range wider than a window, past-end hits come on a page before in-window ones', async () => {
    api.setFaults({ sortWithinPagesOnly: true });
    const end = Date.parse('2024-05-01T00:30:00.000Z');
    const { pages } = await pageByOffset(api, TWO_HOURS, 25, auth);
    const firstPast = pages.findIndex((p) => p.some((t) => time(t) >= end));
    expect(pages.slice(firstPast + 1).some((p) => p.some((t) => time(t) < end))).toBe(true);
  });

  test('with every other new switch at once: paged by offset until empty, every stored event comes once, by value', async () => {
    api.setFaults({
      countCap: { max: 20 }, countOffset: { by: -5 }, escapedIds: { every: 3 }, unreadable: { every: 7 }, restampIds: { every: 6 }, sortWithinPagesOnly: true,
    });
    const range = { minDate: new Date(TWO_HOURS.minDate), maxDate: new Date(TWO_HOURS.maxDate) };
    const truth = [...api.eventsJson(range)];
    expect(truth.length).toBe(100 + api.restamped(range).length);
    const got: string[] = [];
    const answers: string[] = [];
    for (let offset = 0, n = 0; n < 100; n++) {
      const { text, body } = await getPage(api, { ...TWO_HOURS, offset, size: 9 }, auth);
      answers.push(text);
      expect(body.count).toBe(20);
      if (body.hits.length === 0) break;
      got.push(...body.hits.map((h: unknown) => JSON.stringify(h)));
      offset += body.hits.length;
    }
    const canonical = (texts: string[]) => texts.map((t) => JSON.stringify(JSON.parse(t))).sort();
    expect(canonical(got)).toEqual(canonical(truth));
    expect(answers.filter((t) => t.includes('\\u00'))).toHaveLength(Math.floor(answers.length / 3));
  });

  test('PUT /_admin/faults refuses a value that is not true or false', async () => {
    const res = await adminCall(api, 'PUT', 'faults', { sortWithinPagesOnly: 'yes' });
    expect(res).toMatchObject({ status: 400, body: { message: 'faults.sortWithinPagesOnly must be true or false' } });
  });
});
