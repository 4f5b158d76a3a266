import { eventTimeOf } from '../../src/batch/eventTime';

/** The string as the JSON token the scanner hands over. */
function viaToken(text: string): number {
  const token = Buffer.from(JSON.stringify(text));
  return eventTimeOf(token, 0, token.length, token.includes(0x5c));
}

describe('eventTimeOf', () => {
  it.each([
    '2026-01-01T00:00:00Z', '2026-01-01T00:00:00.000Z', '2026-11-26T23:59:59.999Z', '2024-02-29T12:00:00Z', '1999-12-31T23:59:59.5Z',
    '2026-02-29T00:00:00Z', '2026-02-30T00:00:00Z', '2026-04-31T00:00:00Z', '2100-02-29T00:00:00Z', '2000-02-29T00:00:00Z',
    '2026-01-01T24:00:00Z', '2026-01-01T23:60:00Z', '2026-01-01T23:59:60Z', '2026-13-01T00:00:00Z', '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z', '2026-01-01t00:00:00z', '2026-01-01T00:00Z', '2026-01-01T00:00:00.1234Z', '2026-01-01T00:00:00.12Z',
    '2026-01-01T00:00:00+01:00', '2026-01-01T00:00:00', '2026-01-01', '+002026-01-01T00:00:00Z', '0050-01-01T00:00:00Z',
    '0999-06-15T10:20:30.400Z', '2026-01-01T00:00:0aZ', '2026-1-01T00:00:00.000Z', 'not a date', '', '2026-01-01T00:00:00.000\u005a',
    'Thu, 26 Nov 2026 10:00:00 GMT', '2026-01-01 00:00:00Z', '２０２６-01-01T00:00:00Z',
  ])('%j reads as Date.parse does', (text) => {
    expect(viaToken(text)).toBe(Date.parse(text));
  });

  it('agrees with Date.parse on every millisecond form over many random instants', () => {
    let seed = 7;
    const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 5000; k++) {
      const iso = new Date(Math.floor(next() * 4e12)).toISOString(); // 1970..2096
      const forms = [iso, iso.replace(/\.\d{3}Z$/, 'Z')];
      for (const text of forms) expect(viaToken(text)).toBe(Date.parse(text));
    }
  });

  it('unescapes an escaped token first', () => {
    const token = Buffer.from('"2026-01-01T00:00:00\\u002e000Z"');
    expect(eventTimeOf(token, 0, token.length, true)).toBe(Date.parse('2026-01-01T00:00:00.000Z'));
  });
});
