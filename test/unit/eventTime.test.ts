import { epochMsOf, eventTimeOf, parseInstant, timeRule } from '../../src/ndjson/eventTime';
import { seededRandom } from '../../dev/seededRandom';

/** The string as the JSON token the scanner hands over. */
function viaToken(text: string): number {
  const token = Buffer.from(JSON.stringify(text));
  return eventTimeOf(token, 0, token.length, token.includes(0x5c));
}

const utc = (iso: string) => Date.parse(iso);

describe('eventTimeOf: RFC 3339 instants, any fraction, any offset, never local time', () => {
  it.each([
    ['2026-01-01T00:00:00Z', utc('2026-01-01T00:00:00.000Z')],
    ['2026-11-26T23:59:59.999Z', utc('2026-11-26T23:59:59.999Z')],
    ['2024-02-29T12:00:00Z', utc('2024-02-29T12:00:00Z')],
    ['1999-12-31T23:59:59.5Z', utc('1999-12-31T23:59:59.500Z')],
    ['2026-01-01t00:00:00z', utc('2026-01-01T00:00:00Z')],
    ['2023-03-21T13:39:45.040598-04:00', utc('2023-03-21T17:39:45.040Z')], // Immuta's published example
    ['2023-03-21T13:39:45.040598999+05:30', utc('2023-03-21T08:09:45.040Z')],
    ['2026-01-01T00:00:00.9999Z', utc('2026-01-01T00:00:00.999Z')], // cut, never rounded into the next ms
    ['2026-01-01T00:30:00+01:00', utc('2025-12-31T23:30:00Z')], // another UTC hour than its local one
    ['0050-01-01T00:00:00Z', utc('0050-01-01T00:00:00Z')],
  ])('%j is %d', (text, ms) => {
    expect(viaToken(text)).toBe(ms);
  });

  it.each([
    '2026-01-01T00:00:00', '2026-01-01T00:00:00.123456', '2026-01-01', '2026-01-01 00:00:00Z', 'Thu, 26 Nov 2026 10:00:00 GMT',
    '2026-02-29T00:00:00Z', '2026-04-31T00:00:00Z', '2100-02-29T00:00:00Z', '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z', '2026-01-00T00:00:00Z', '2026-01-01T00:00Z',
    '+002026-01-01T00:00:00Z', '2026-01-01T00:00:0aZ', '2026-1-01T00:00:00.000Z', 'not a date', '', '2026-01-01T00:00:00+0100',
    '2026-01-01T00:00:00+24:00', '2026-01-01T00:00:00.Z', '２０２６-01-01T00:00:00Z',
  ])('%j is refused (NaN)', (text) => {
    expect(viaToken(text)).toBeNaN();
  });

  it('agrees with Date.parse on UTC forms over many random instants', () => {
    const next = seededRandom(7);
    for (let k = 0; k < 5000; k++) {
      const iso = new Date(Math.floor(next() * 4e12)).toISOString(); // 1970..2096
      const offset = `${next() < 0.5 ? '+' : '-'}0${Math.floor(next() * 10)}:${next() < 0.5 ? '00' : '30'}`;
      for (const text of [iso, iso.replace(/\.\d{3}Z$/, 'Z'), iso.replace('Z', '123Z'), iso.replace('Z', offset)]) expect(viaToken(text)).toBe(Date.parse(text));
    }
  });

  it('unescapes an escaped token first', () => {
    const token = Buffer.from('"2026-01-01T00:00:00\\u002e000Z"');
    expect(eventTimeOf(token, 0, token.length, true)).toBe(parseInstant('2026-01-01T00:00:00.000Z'));
  });
});

describe('epochMsOf: legacy dateTime, a whole number of milliseconds in any JSON spelling', () => {
  const of = (token: string) => epochMsOf(Buffer.from(token), 0, token.length);
  it.each([
    ['1679405985040', 1679405985040],
    ['"1679405985040"', 1679405985040],
    ['0', 0],
    // A serializer of doubles writes large values with an exponent: the same number (JSON gives values, not spellings).
    ['1.7966778e12', 1796677800000],
    ['1.7966778E+12', 1796677800000],
    ['"1.7966778E12"', 1796677800000],
    ['1796677800000.0', 1796677800000],
    ['17966778000000e-1', 1796677800000],
    ['1e12', 1e12],
  ])('%s is %d', (token, ms) => expect(of(token)).toBe(ms));
  // A fraction of a millisecond is refused, not cut: epoch ms have none, and 1796677800.5 is more likely seconds.
  it.each(['-1', '1.5', '1796677800000.5', '1.79667780000051e12', '"12a"', '""', '01', '"2023-03-21T13:39:45Z"', '99999999999999999', '1e400', '8.64000000000001e15'])(
    '%s is refused (NaN)',
    (token) => expect(of(token)).toBeNaN(),
  );
});

describe('timeRule: what a valid time is, in the words of the kind', () => {
  it('speaks of dateTime in epoch milliseconds for legacy records, and of an instant with a zone for UAM', () => {
    expect(timeRule('dateTime')).toBe('"dateTime" must be epoch milliseconds, a whole number of 0 or more (a JSON number, or a string of digits)');
    expect(timeRule('eventTimestamp')).toBe('it must be an instant with a zone');
  });
});
