// The sample audit API's two kinds over loopback HTTP: UAM events (UTC or offset-micros timestamps) and
// Immuta's legacy V1 records, plus events sharing one instant (sameInstant).
import { startAuditApi, type AuditApi, type AuditEventsOptions } from '../../dev/auditApi';
import { bearer, getAudit, getPage } from '../support/auditHttp';

const START = new Date('2024-05-01T00:00:00.000Z');
const EVENTS: AuditEventsOptions = { count: 300, start: START, spanSeconds: 3600, seed: 21 };
const HOUR = { minDate: '2024-05-01T00:00:00.000Z', maxDate: '2024-05-01T01:00:00.000Z', size: 10000 };
const LEGACY_KEYS = [
  'id', 'dateTime', 'recordType', 'userId', 'email', 'profileId', 'dataSourceName', 'projectName', 'blobId', 'purposeIds', 'success', 'failureReason', 'warning',
];

describe('kind immuta-uam, timestampStyle offset-micros', () => {
  let utc: AuditApi;
  let zoned: AuditApi;
  beforeAll(async () => {
    [utc, zoned] = await Promise.all([startAuditApi({ events: EVENTS }), startAuditApi({ events: { ...EVENTS, timestampStyle: 'offset-micros' } })]);
  });
  afterAll(() => Promise.all([utc.stop(), zoned.stop()]));

  test('six fraction digits and a non-UTC offset that varies per event, denoting the same instants as UTC', async () => {
    const plain = (await getPage(utc, HOUR, bearer(utc.apiKey))).body.hits;
    const { text, body } = await getPage(zoned, HOUR, bearer(zoned.apiKey));
    expect(body.count).toBe(300);
    const offsets = new Set<string>();
    body.hits.forEach((e: any, k: number) => {
      for (const field of ['eventTimestamp', 'receivedTimestamp']) {
        expect(e[field]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}000[+-]\d{2}:\d{2}$/);
        expect(e[field]).not.toMatch(/[+-]00:00$/);
        expect(Date.parse(e[field])).toBe(Date.parse(plain[k][field]));
      }
      expect(e.eventTimestamp.slice(-6)).toBe(e.receivedTimestamp.slice(-6)); // one zone per event
      expect(e.id).toBe(plain[k].id);
      offsets.add(e.eventTimestamp.slice(-6));
    });
    expect(offsets.size).toBeGreaterThanOrEqual(5);
    expect(text).toBe(`{"count":300,"hits":[${[...zoned.eventsJson()].join(',')}]}`);
  });

  test('an offset timestamp and a UTC minDate compare as instants: the event at minDate is in, 1 ms later it is out', async () => {
    const first = JSON.parse([...zoned.eventsJson()][0]);
    const asUtc = new Date(Date.parse(first.eventTimestamp)).toISOString();
    const { body } = await getPage(zoned, { minDate: asUtc, maxDate: HOUR.maxDate }, bearer(zoned.apiKey));
    expect(body.hits[0].id).toBe(first.id);
    const after = await getPage(zoned, { minDate: new Date(Date.parse(asUtc) + 1).toISOString(), maxDate: HOUR.maxDate }, bearer(zoned.apiKey));
    expect(after.body.hits[0].id).not.toBe(first.id);
  });
});

describe('kind immuta-legacy', () => {
  let uam: AuditApi;
  let legacy: AuditApi;
  let digits: AuditApi;
  beforeAll(async () => {
    [uam, legacy, digits] = await Promise.all([
      startAuditApi({ events: EVENTS }),
      startAuditApi({ events: { ...EVENTS, kind: 'immuta-legacy' } }),
      startAuditApi({ events: { ...EVENTS, kind: 'immuta-legacy', legacyDateTimeAsString: true } }),
    ]);
  });
  afterAll(() => Promise.all([uam.stop(), legacy.stop(), digits.stop()]));

  test('answers {hits, count, facets, minDate, maxDate} in that order, dates echoed as asked', async () => {
    expect(legacy.kind).toBe('immuta-legacy');
    const asked = { minDate: '2024-05-01T02:00:00+02:00', maxDate: '2024-05-01T00:30:00.000Z', size: 5 };
    const { text, body } = await getPage(legacy, asked, legacy.apiKey);
    expect(Object.keys(body)).toEqual(['hits', 'count', 'facets', 'minDate', 'maxDate']);
    expect(body.facets).toEqual({});
    expect(body.minDate).toBe(asked.minDate);
    expect(body.maxDate).toBe(asked.maxDate);
    const expected = [...legacy.eventsJson({ minDate: START, maxDate: new Date(asked.maxDate) })];
    expect(body.count).toBe(expected.length);
    expect(text).toBe(`{"hits":[${expected.slice(0, 5).join(',')}],"count":${expected.length},"facets":{},"minDate":"${asked.minDate}","maxDate":"${asked.maxDate}"}`);
  });

  test('each hit is a legacy record: the documented fields, epoch-ms dateTime, same ids and instants as the UAM kind', async () => {
    const records = (await getPage(legacy, HOUR, legacy.apiKey)).body.hits;
    const events = (await getPage(uam, HOUR, bearer(uam.apiKey))).body.hits;
    expect(records).toHaveLength(300);
    const types = new Set<string>();
    records.forEach((r: any, k: number) => {
      expect(Object.keys(r)).toEqual(LEGACY_KEYS);
      expect(typeof r.id).toBe('string');
      expect(Number.isSafeInteger(r.dateTime)).toBe(true);
      expect(Number.isInteger(r.profileId)).toBe(true);
      expect(Array.isArray(r.purposeIds)).toBe(true);
      expect(typeof r.success).toBe('boolean');
      expect(r.failureReason === null).toBe(r.success);
      expect(r).not.toHaveProperty('eventTimestamp');
      expect(r.id).toBe(events[k].id);
      expect(r.dateTime).toBe(Date.parse(events[k].eventTimestamp));
      expect(r.userId).toBe(events[k].actor.id);
      expect(r.success).toBe(events[k].actionStatus === 'SUCCESS');
      types.add(r.recordType);
    });
    expect(types.size).toBeGreaterThanOrEqual(5);
  });

  test('legacyDateTimeAsString: dateTime is a string of digits; eventsJson is exactly what is served', async () => {
    const { text, body } = await getPage(digits, HOUR, digits.apiKey);
    const numeric = (await getPage(legacy, HOUR, legacy.apiKey)).body.hits;
    body.hits.forEach((r: any, k: number) => {
      expect(r.dateTime).toMatch(/^\d{13}$/);
      expect(Number(r.dateTime)).toBe(numeric[k].dateTime);
    });
    expect(text).toBe(`{"hits":[${[...digits.eventsJson()].join(',')}],"count":300,"facets":{},"minDate":"${HOUR.minDate}","maxDate":"${HOUR.maxDate}"}`);
  });

  test('default auth follows the kind: apikey for legacy, bearer for UAM', async () => {
    expect([legacy.auth, uam.auth]).toEqual(['apikey', 'bearer']);
    expect((await getAudit(legacy, HOUR, legacy.apiKey)).status).toBe(200);
    expect((await getAudit(legacy, HOUR, bearer(legacy.apiKey))).status).toBe(401);
    expect((await getAudit(uam, HOUR, uam.apiKey)).status).toBe(401);
  });

  test('caller-supplied legacy records are placed by their dateTime', async () => {
    const extra = { id: 'legacy-extra', dateTime: START.getTime() + 1_800_000, recordType: 'custom' };
    const api = await startAuditApi({ events: { ...EVENTS, kind: 'immuta-legacy', extraEvents: [extra] } });
    try {
      const half = { minDate: '2024-05-01T00:30:00.000Z', maxDate: '2024-05-01T01:00:00.000Z', size: 10000 };
      const { body } = await getPage(api, half, api.apiKey);
      expect(body.hits[0]).toEqual(extra);
    } finally {
      await api.stop();
    }
  });
});

describe('sameInstant', () => {
  test('generated events come in groups sharing one timestamp; a group larger than a page still pages by offset', async () => {
    const api = await startAuditApi({ events: { ...EVENTS, count: 120, sameInstant: 40 } });
    try {
      const { body } = await getPage(api, HOUR, bearer(api.apiKey));
      const times = body.hits.map((e: any) => e.eventTimestamp);
      expect(new Set(times).size).toBe(3);
      for (let g = 0; g < 3; g++) expect(new Set(times.slice(g * 40, g * 40 + 40)).size).toBe(1);
      const instant = { minDate: times[40], maxDate: new Date(Date.parse(times[40]) + 1).toISOString() };
      const ids: string[] = [];
      for (let offset = 0; offset < 40; offset += 15) {
        const page = (await getPage(api, { ...instant, offset, size: 15 }, bearer(api.apiKey))).body;
        expect(page.count).toBe(40);
        ids.push(...page.hits.map((e: any) => e.id));
      }
      expect(ids).toEqual(body.hits.slice(40, 80).map((e: any) => e.id));
    } finally {
      await api.stop();
    }
  });
});

test('bad or mismatched event options are refused at start', async () => {
  await expect(startAuditApi({ events: { ...EVENTS, kind: 'immuta-legacy', timestampStyle: 'offset-micros' } })).rejects.toThrow(/timestampStyle/);
  await expect(startAuditApi({ events: { ...EVENTS, legacyDateTimeAsString: true } })).rejects.toThrow(/legacyDateTimeAsString/);
  await expect(startAuditApi({ events: { ...EVENTS, kind: 'splunk' as never } })).rejects.toThrow(/kind/);
  await expect(startAuditApi({ events: { ...EVENTS, sameInstant: 0 } })).rejects.toThrow(/sameInstant/);
});
