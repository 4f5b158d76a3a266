// Unit tests for the pure parts of the sample audit API: generator, timeline, visibility, paging, parsing.
import { parseFaults } from '../../dev/auditApi/faults';
import { generateEventJson, generatedId, generatorContext } from '../../dev/auditApi/generator';
import { isoString } from '../../dev/auditApi/isoTime';
import { BadRequest, parseAuditQuery, parseIsoMs } from '../../dev/auditApi/query';
import { seedKey } from '../../dev/auditApi/random';
import { EventStream } from '../../dev/auditApi/stream';
import { Timeline } from '../../dev/auditApi/timeline';
import type { AuditEventsOptions } from '../../dev/auditApi/types';
import type { Lateness } from '../../dev/auditApi/visibility';

const START = new Date('2024-03-01T00:00:00.000Z');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function stream(events: Partial<AuditEventsOptions> = {}): EventStream {
  return new EventStream(new Timeline({ count: 1000, start: START, spanSeconds: 3600, seed: 3, ...events }), { prerender: events.prerender });
}

/** A page's events as one JSON array text, and how many it says it holds. */
function pageText(page: { hits: number; chunks: Buffer[] }): { hits: number; json: string } {
  return { hits: page.hits, json: `[${page.chunks.map(String).join(',')}]` };
}

describe('isoString', () => {
  test('matches Date#toISOString, including cache collisions, negative and out-of-range times', () => {
    const samples = [0, -1, -999, -1001, 1, 999, 1000, 253402300799999, 253402300800000, -62167219200000, -62167219200001, 8.64e15, -8.64e15];
    for (let i = 0; i < 20000; i++) samples.push(Math.floor((Math.sin(i) * 0.5 + 0.5) * 4e12), 1709251200000 + i * 137);
    expect(samples.map(isoString)).toEqual(samples.map((ms) => new Date(ms).toISOString()));
  });
});

describe('generator', () => {
  const ctx = generatorContext(seedKey(11));

  test('emits canonical UAM-shaped JSON', () => {
    const actions = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const text = generateEventJson(ctx, i, START.getTime() + i * 50, START.getTime() + i * 50 + 300);
      const e = JSON.parse(text);
      expect(JSON.stringify(e)).toBe(text); // valid and canonical: nothing a re-serialisation would change
      expect(e.id).toMatch(UUID);
      expect(e.id.slice(0, 8)).toBe(i.toString(16).padStart(8, '0'));
      expect(e.eventTimestamp).toMatch(ISO_MS);
      expect(e.receivedTimestamp).toMatch(ISO_MS);
      expect(typeof e.tenantId).toBe('string');
      expect(['SUCCESS', 'FAILURE']).toContain(e.actionStatus);
      expect(Object.keys(e.actor)).toEqual(['type', 'id', 'name', 'identityProvider', 'profileId']);
      expect(e.targets.length).toBeGreaterThan(0);
      expect(e.targets[0]).toEqual({ type: e.targetType, id: expect.any(String), name: expect.any(String) });
      expect(e.actorIp).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}$/);
      expect(Array.isArray(e.relatedResources)).toBe(true);
      expect(e.auditPayload).toEqual(expect.objectContaining({ type: expect.any(String), version: 1 }));
      if (e.action === 'QUERY') {
        expect(e.auditPayload.query).toMatch(/^SELECT /);
        expect(e.auditPayload.dataSourceId).toBe(e.targets[0].id);
        expect(typeof e.auditPayload.rowsReturned).toBe('number');
      }
      actions.add(e.action);
    }
    expect([...actions].sort()).toEqual(
      ['DATASOURCE_CREATE', 'DATASOURCE_UPDATE', 'POLICY_UPDATE', 'PROJECT_UPDATE', 'QUERY', 'SUBSCRIPTION_REQUEST', 'USER_LOGIN'],
    );
  });

  test('mean serialized size over 10,000 events is 600–800 bytes', () => {
    let bytes = 0;
    for (let i = 0; i < 10000; i++) bytes += Buffer.byteLength(generateEventJson(ctx, i, START.getTime() + i * 9, START.getTime() + i * 9 + 300));
    const mean = bytes / 10000;
    expect(mean).toBeGreaterThanOrEqual(600);
    expect(mean).toBeLessThanOrEqual(800);
  });

  test('is a pure function of (seed, index): out-of-order builds agree, other seeds differ', () => {
    const at = (c: typeof ctx, i: number) => generateEventJson(c, i, START.getTime() + i, START.getTime() + i + 200);
    const forward = [0, 1, 2, 500, 70000].map((i) => at(ctx, i));
    const backward = [70000, 500, 2, 1, 0].map((i) => at(generatorContext(seedKey(11)), i)).reverse();
    expect(backward).toEqual(forward);
    const other = generatorContext(seedKey(12));
    expect([0, 1, 2, 500, 70000].map((i) => at(other, i))).not.toEqual(forward);
  });

  test('ids increase with the index', () => {
    const key = seedKey(5);
    for (const i of [0, 1, 15, 16, 255, 256, 65535, 999999, 0xfffffffe]) expect(generatedId(key, i) < generatedId(key, i + 1)).toBe(true);
  });
});

describe('timeline', () => {
  test('timestamps are non-decreasing, inside [start, start+span), and binary search agrees with a scan', () => {
    for (const [count, spanSeconds] of [[1000, 3600], [5000, 2], [7, 86400]] as const) {
      const t = new Timeline({ count, start: START, spanSeconds, seed: 9 });
      const ts = Array.from({ length: count }, (_, i) => t.timestamp(i));
      for (let i = 1; i < count; i++) expect(ts[i]).toBeGreaterThanOrEqual(ts[i - 1]);
      expect(ts[0]).toBeGreaterThanOrEqual(START.getTime());
      expect(ts[count - 1]).toBeLessThan(START.getTime() + spanSeconds * 1000);
      const probes = [START.getTime() - 1, START.getTime(), ...ts.filter((_, i) => i % 37 === 0).flatMap((x) => [x - 1, x, x + 1]), START.getTime() + spanSeconds * 1000];
      for (const ms of probes) {
        const scan = ts.findIndex((x) => x >= ms);
        expect(t.firstAtOrAfter(ms)).toBe(scan < 0 ? count : scan);
      }
    }
  });

  test('events are spread over the whole span', () => {
    const t = new Timeline({ count: 10000, start: START, spanSeconds: 3600, seed: 1 });
    const quarter = 900_000;
    for (let q = 0; q < 4; q++) {
      const n = t.firstAtOrAfter(START.getTime() + (q + 1) * quarter) - t.firstAtOrAfter(START.getTime() + q * quarter);
      expect(n).toBeGreaterThan(2400);
      expect(n).toBeLessThan(2600);
    }
  });

  test('rejects invalid options', () => {
    expect(() => new Timeline({ count: -1, start: START, spanSeconds: 1 })).toThrow(/count/);
    expect(() => new Timeline({ count: 1, start: new Date('x'), spanSeconds: 1 })).toThrow(/start/);
    expect(() => new Timeline({ count: 1, start: START, spanSeconds: 0 })).toThrow(/spanSeconds/);
    expect(() => new Timeline({ count: 1, start: START, spanSeconds: 1, extraEvents: [{ id: 'x' }] })).toThrow(/eventTimestamp/);
    expect(() => new Timeline({ count: 1, start: START, spanSeconds: 1, extraEvents: [{ eventTimestamp: START.toISOString() }] })).toThrow(/id/);
  });
});

describe('stream pages agree with a brute-force model', () => {
  // Extras that tie with generated events in the same millisecond, sort before and after them by id,
  // sit on the span's edges, and arrive late or early.
  function extrasFor(s: EventStream): object[] {
    const t = s.timeline;
    const tie = new Date(t.timestamp(500)).toISOString();
    return [
      { id: '00000000-0000-4000-8000-000000000000', eventTimestamp: tie, note: 'sorts before generated #500' },
      { id: 'ffffffff-ffff-4fff-bfff-ffffffffffff', eventTimestamp: tie, note: 'sorts after generated #500' },
      { id: 'e1', eventTimestamp: START.toISOString() },
      { id: 'e2', eventTimestamp: new Date(START.getTime() - 1).toISOString() },
      { id: 'e3', eventTimestamp: '2024-03-01T00:30:00.000Z', receivedTimestamp: '2024-03-01T02:00:00.000Z' },
      { id: 'e4', eventTimestamp: '2024-03-01T00:59:59.999Z' },
      { id: 'e5', eventTimestamp: '2024-03-01T00:20:00.000+00:00', text: 'line\nbreak \u2028 \u2029 ünïcødé' },
    ];
  }

  function model(s: EventStream, minMs: number, maxMs: number, nowMs: number, late: Lateness | undefined): string[] {
    return [...s.all(-Infinity, Infinity, late)].filter((text) => {
      const e = JSON.parse(text);
      const eventMs = Date.parse(e.eventTimestamp);
      const visibleMs = e.receivedTimestamp ? Date.parse(e.receivedTimestamp) : eventMs;
      return eventMs >= minMs && eventMs < maxMs && visibleMs <= nowMs;
    });
  }

  test('all() is in (eventTimestamp, id) order and includes every event once', () => {
    const base = stream();
    const s = stream({ extraEvents: extrasFor(base) });
    const all = [...s.all(-Infinity, Infinity, undefined)].map((x) => JSON.parse(x));
    expect(all).toHaveLength(1007);
    expect(new Set(all.map((e) => e.id)).size).toBe(1007);
    for (let i = 1; i < all.length; i++) {
      const a = [Date.parse(all[i - 1].eventTimestamp), all[i - 1].id];
      const b = [Date.parse(all[i].eventTimestamp), all[i].id];
      expect(a[0] < b[0] || (a[0] === b[0] && a[1] < b[1])).toBe(true);
    }
    const tied = all.findIndex((e) => e.id.startsWith('000001f4'));
    expect(all[tied - 1].id).toBe('00000000-0000-4000-8000-000000000000');
    expect(all[tied + 1].id).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });

  test.each([
    ['no faults, clock after everything', Date.parse('2024-03-02T00:00:00Z'), undefined],
    ['clock in the middle of the span', Date.parse('2024-03-01T00:30:00.000Z'), undefined],
    ['late events, clock in the middle', Date.parse('2024-03-01T00:40:00.000Z'), { fraction: 0.3, delayMs: 600_000 }],
    ['late events, clock after the span', Date.parse('2024-03-01T01:05:00.000Z'), { fraction: 0.5, delayMs: 900_000 }],
  ] as const)('%s', (_name, nowMs, late) => {
    for (const prerender of [false, true]) pagesMatchTheModel(stream({ extraEvents: extrasFor(stream()), prerender }), nowMs, late);
  });

  function pagesMatchTheModel(s: EventStream, nowMs: number, late: Lateness | undefined): void {
    const ranges = [
      [-8.64e15, 8.64e15],
      [START.getTime(), START.getTime() + 3_600_000],
      [Date.parse('2024-03-01T00:20:00Z'), Date.parse('2024-03-01T00:35:00Z')],
      [s.timeline.timestamp(500), s.timeline.timestamp(500) + 1],
      [START.getTime() + 7, START.getTime() + 7],
    ];
    for (const [minMs, maxMs] of ranges) {
      const expected = model(s, minMs, maxMs, nowMs, late);
      for (const size of [1, 3, 100, 10000]) {
        const got: string[] = [];
        for (let offset = 0; ; offset += size) {
          const page = s.page({ minMs, maxMs, offset, size }, nowMs, late);
          expect(page.count).toBe(expected.length);
          const { hits, json } = pageText(page);
          const events = (JSON.parse(json) as object[]).map((e) => JSON.stringify(e));
          expect(events).toHaveLength(hits);
          got.push(...events);
          if (hits < size) break;
        }
        expect(got).toEqual(expected);
      }
      // Random access: any (offset, size) slice matches.
      for (const offset of [0, 1, 250, expected.length - 1, expected.length, expected.length + 5].filter((o) => o >= 0)) {
        const slice = expected.slice(offset, offset + 17);
        expect(pageText(s.page({ minMs, maxMs, offset, size: 17 }, nowMs, late))).toEqual({ hits: slice.length, json: `[${slice.join(',')}]` });
      }
    }
  }
});

describe('parseAuditQuery', () => {
  const q = (s: string) => parseAuditQuery(new URLSearchParams(s));
  const base = 'minDate=2024-01-01T00:00:00Z&maxDate=2024-01-02T00:00:00.000Z';

  test('accepts the documented form with defaults', () => {
    expect(q(base)).toEqual({ minMs: Date.parse('2024-01-01T00:00:00Z'), maxMs: Date.parse('2024-01-02T00:00:00Z'), offset: 0, size: 100 });
    expect(q(`${base}&offset=5&size=10000&sortField=dateTime&sortOrder=asc`)).toMatchObject({ offset: 5, size: 10000 });
  });

  test.each([
    ['maxDate=2024-01-02T00:00:00Z', /minDate is required/],
    ['minDate=2024-01-01T00:00:00Z', /maxDate is required/],
    ['minDate=yesterday&maxDate=2024-01-02T00:00:00Z', /minDate must be an ISO-8601/],
    ['minDate=2024-01-01&maxDate=2024-01-02T00:00:00Z', /minDate must be an ISO-8601/],
    ['minDate=2024-02-30T00:00:00Z&maxDate=2024-03-02T00:00:00Z', /minDate must be an ISO-8601/],
    ['minDate=2024-01-01T00:00:00 01:00&maxDate=2024-01-02T00:00:00Z', /%2B/],
    [`${base}&size=10001`, /size must be an integer from 0 to 10000/],
    [`${base}&size=-1`, /size must be an integer/],
    [`${base}&offset=1.5`, /offset must be an integer/],
    [`${base}&offset=`, /offset must be an integer/],
    [`${base}&sortField=id`, /sortField must be 'dateTime'/],
    [`${base}&sortOrder=desc`, /sortOrder must be 'asc'/],
    [`${base}&size=1&size=2`, /size was given 2 times/],
    [`${base}&actorId=x`, /unsupported parameter "actorId"/],
    ['minDate=2024-01-03T00:00:00Z&maxDate=2024-01-02T00:00:00Z', /minDate must not be after maxDate/],
  ])('400 for %s', (query, message) => {
    expect(() => q(query)).toThrow(BadRequest);
    expect(() => q(query)).toThrow(message);
  });

  test('parses zone offsets and rounds sub-millisecond digits up', () => {
    expect(parseIsoMs('2024-01-01T01:00:00+01:00')).toBe(Date.parse('2024-01-01T00:00:00Z'));
    expect(parseIsoMs('2024-01-01T00:00:00.000500Z')).toBe(Date.parse('2024-01-01T00:00:00.001Z'));
    expect(parseIsoMs('2024-01-01T00:00:00.123000000Z')).toBe(Date.parse('2024-01-01T00:00:00.123Z'));
    expect(parseIsoMs('2024-01-01T24:00:00Z')).toBeUndefined();
  });
});

describe('parseFaults', () => {
  test('accepts every switch and returns a copy', () => {
    const input = {
      rateLimit: { count: 1, retryAfterSeconds: 2 }, serverErrors: { count: 1, rate: 0.5, status: 500 }, delayMs: 5,
      malformed: { count: 1 }, truncated: { count: 1 }, reset: { count: 1 }, late: { fraction: 0.1, delaySeconds: 60 },
    };
    const parsed = parseFaults(input);
    expect(parsed).toEqual(input);
    expect(parsed.rateLimit).not.toBe(input.rateLimit);
  });

  test.each([
    [{ rateLimit: { count: -1, retryAfterSeconds: 1 } }, /rateLimit.count/],
    [{ serverErrors: { rate: 2 } }, /serverErrors.rate/],
    [{ serverErrors: { status: 404 } }, /serverErrors.status/],
    [{ late: { fraction: 0.5 } }, /late.delaySeconds/],
    [{ malformed: 3 }, /malformed must be an object/],
    [{ slow: true }, /slow is not a known setting/],
    [[], /faults must be an object/],
  ])('rejects %j', (input, message) => {
    expect(() => parseFaults(input)).toThrow(message);
  });
});
