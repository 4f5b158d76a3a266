import { NcrontabError, parseNcrontab } from '../../src/config/ncrontab';
import { INTERVAL_SCHEDULES } from '../../src/config/schedule';

/** next() after `from` as an ISO string, so failures show both instants readably. */
const next = (expression: string, from: string) => parseNcrontab(expression).next(new Date(from)).toISOString();

/** The first `count` occurrences after `from`. */
function occurrences(expression: string, from: string, count: number): string[] {
  const schedule = parseNcrontab(expression);
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < count; i++) out.push((at = schedule.next(at)).toISOString());
  return out;
}

describe('parseNcrontab: the product intervals', () => {
  it.each([
    // [expression, after, expected next]
    ['0 0 */2 * * *', '2026-03-10T10:15:00Z', '2026-03-10T12:00:00.000Z'],
    ['0 0 */2 * * *', '2026-03-10T12:00:00Z', '2026-03-10T14:00:00.000Z'], // exactly on one: the next one
    ['0 0 */2 * * *', '2026-03-10T12:00:00.001Z', '2026-03-10T14:00:00.000Z'],
    ['0 0 */2 * * *', '2026-03-10T11:59:59.999Z', '2026-03-10T12:00:00.000Z'],
    ['0 0 */2 * * *', '2026-04-30T23:00:00Z', '2026-05-01T00:00:00.000Z'], // end of a 30-day month
    ['0 0 */2 * * *', '2026-12-31T22:00:00Z', '2027-01-01T00:00:00.000Z'], // end of year
    ['0 0 */2 * * *', '2028-02-28T23:30:00Z', '2028-02-29T00:00:00.000Z'], // into a leap day
    ['0 0 */2 * * *', '2028-02-29T22:00:00Z', '2028-03-01T00:00:00.000Z'], // out of a leap day
    ['0 0 */4 * * *', '2026-03-10T10:15:00Z', '2026-03-10T12:00:00.000Z'],
    ['0 0 */4 * * *', '2026-03-10T12:00:00Z', '2026-03-10T16:00:00.000Z'],
    ['0 0 */4 * * *', '2026-01-31T21:59:59Z', '2026-02-01T00:00:00.000Z'],
    ['0 0 */4 * * *', '2026-12-31T20:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['0 0 */4 * * *', '2024-02-29T20:00:00Z', '2024-03-01T00:00:00.000Z'],
    ['0 0 */6 * * *', '2026-03-10T05:59:59Z', '2026-03-10T06:00:00.000Z'],
    ['0 0 */6 * * *', '2026-03-10T06:00:00Z', '2026-03-10T12:00:00.000Z'],
    ['0 0 */6 * * *', '2026-03-10T18:00:00Z', '2026-03-11T00:00:00.000Z'],
    ['0 0 */6 * * *', '2024-02-28T18:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0 0 */6 * * *', '2026-12-31T18:30:00Z', '2027-01-01T00:00:00.000Z'],
    ['0 0 */12 * * *', '2026-03-10T00:00:00Z', '2026-03-10T12:00:00.000Z'],
    ['0 0 */12 * * *', '2026-03-10T12:00:00Z', '2026-03-11T00:00:00.000Z'],
    ['0 0 */12 * * *', '2026-06-30T12:00:00Z', '2026-07-01T00:00:00.000Z'],
    ['0 0 */12 * * *', '2026-12-31T12:00:00Z', '2027-01-01T00:00:00.000Z'],
    ['0 0 */12 * * *', '2028-02-29T11:59:59Z', '2028-02-29T12:00:00.000Z'],
    ['0 0 0 * * *', '2026-03-10T00:00:00Z', '2026-03-11T00:00:00.000Z'],
    ['0 0 0 * * *', '2026-03-09T23:59:59.999Z', '2026-03-10T00:00:00.000Z'],
    ['0 0 0 * * *', '2026-02-28T00:00:01Z', '2026-03-01T00:00:00.000Z'], // no Feb 29 in 2026
    ['0 0 0 * * *', '2028-02-28T12:00:00Z', '2028-02-29T00:00:00.000Z'],
    ['0 0 0 * * *', '2026-12-31T00:00:00Z', '2027-01-01T00:00:00.000Z'],
  ])('%s after %s is %s', (expression, after, expected) => {
    expect(next(expression, after)).toBe(expected);
  });

  it('steps every product interval by exactly its period across month, year and leap-day boundaries', () => {
    const hours = { EVERY_2_HOURS: 2, EVERY_4_HOURS: 4, EVERY_6_HOURS: 6, EVERY_12_HOURS: 12, EVERY_24_HOURS: 24 };
    for (const [interval, expression] of Object.entries(INTERVAL_SCHEDULES)) {
      const period = hours[interval as keyof typeof hours] * 3_600_000;
      const got = occurrences(expression, '2027-12-30T23:59:59Z', (24 / (period / 3_600_000)) * 70); // to 2028-03-09
      expect(got[0]).toBe('2027-12-31T00:00:00.000Z');
      got.slice(1).forEach((at, i) => expect(Date.parse(at) - Date.parse(got[i]!)).toBe(period));
      expect(got).toContain('2028-02-29T00:00:00.000Z');
    }
  });
});

describe('parseNcrontab: other schedules', () => {
  it('runs weekdays only with a named day-of-week range', () => {
    expect(next('0 30 9 * * MON-FRI', '2026-03-13T09:30:00Z')).toBe('2026-03-16T09:30:00.000Z'); // Fri -> Mon
    expect(next('0 30 9 * * MON-FRI', '2026-03-14T08:00:00Z')).toBe('2026-03-16T09:30:00.000Z'); // Sat -> Mon
    expect(next('0 30 9 * * MON-FRI', '2026-03-11T09:29:59Z')).toBe('2026-03-11T09:30:00.000Z'); // Wed, same day
    expect(next('0 30 9 * * mon-fri', '2026-03-11T09:30:00Z')).toBe('2026-03-12T09:30:00.000Z'); // names ignore case
  });

  it('counts seconds, rolling over minute, day and year', () => {
    expect(next('*/15 * * * * *', '2026-03-10T10:00:00Z')).toBe('2026-03-10T10:00:15.000Z');
    expect(next('*/15 * * * * *', '2026-03-10T10:00:14.999Z')).toBe('2026-03-10T10:00:15.000Z');
    expect(next('*/15 * * * * *', '2026-03-10T10:00:50Z')).toBe('2026-03-10T10:01:00.000Z');
    expect(next('*/15 * * * * *', '2026-12-31T23:59:45Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('* * * * * *', '2026-03-10T10:00:00.500Z')).toBe('2026-03-10T10:00:01.000Z');
  });

  it('runs once a year with a month name', () => {
    expect(next('0 0 0 1 JAN *', '2026-01-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 0 0 1 JAN *', '2026-06-15T12:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 0 0 1 January *', '2025-12-31T23:59:59Z')).toBe('2026-01-01T00:00:00.000Z');
  });

  it('finds the next leap day, skipping 2100 which is not a leap year', () => {
    expect(next('0 0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    expect(next('0 0 0 29 2 *', '2028-02-29T00:00:00Z')).toBe('2032-02-29T00:00:00.000Z');
    expect(next('0 0 0 29 2 *', '2097-01-01T00:00:00Z')).toBe('2104-02-29T00:00:00.000Z');
  });

  it('skips months that lack the day', () => {
    expect(occurrences('0 0 0 31 * *', '2026-04-01T00:00:00Z', 3)).toEqual([
      '2026-05-31T00:00:00.000Z',
      '2026-07-31T00:00:00.000Z',
      '2026-08-31T00:00:00.000Z',
    ]);
  });

  it('requires day-of-month AND day-of-week when both are restricted, as NCrontab does', () => {
    // Classic cron would OR them and fire on 2026-01-02 (a Friday); NCrontab fires only on Friday the 13th.
    expect(occurrences('0 0 0 13 * FRI', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-02-13T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
      '2026-11-13T00:00:00.000Z',
    ]);
    // First Monday of the month.
    expect(occurrences('0 0 12 1-7 * MON', '2026-03-01T00:00:00Z', 2)).toEqual([
      '2026-03-02T12:00:00.000Z',
      '2026-04-06T12:00:00.000Z',
    ]);
    // A rare combination is still found quickly: the next Feb 29 that is a Monday.
    expect(next('0 0 0 29 FEB MON', '2026-01-01T00:00:00Z')).toBe('2044-02-29T00:00:00.000Z');
  });

  it('treats 0 and 7 as Sunday', () => {
    expect(next('0 0 0 * * 7', '2026-03-10T00:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
    expect(next('0 0 0 * * 0', '2026-03-10T00:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
    expect(occurrences('0 0 0 * * 5-7', '2026-03-12T00:00:00Z', 4)).toEqual([
      '2026-03-13T00:00:00.000Z',
      '2026-03-14T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z',
      '2026-03-20T00:00:00.000Z',
    ]);
  });

  it('handles lists, ranges with steps and start/step', () => {
    // Hours 8, 13, 18 at minutes 5 and 35.
    expect(occurrences('0 5,35 8-18/5 * * *', '2026-03-10T08:35:00Z', 5)).toEqual([
      '2026-03-10T13:05:00.000Z',
      '2026-03-10T13:35:00.000Z',
      '2026-03-10T18:05:00.000Z',
      '2026-03-10T18:35:00.000Z',
      '2026-03-11T08:05:00.000Z',
    ]);
    // "n/s" runs from n to the field's maximum: March, July, November.
    expect(occurrences('0 0 0 1 3/4 *', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '2027-03-01T00:00:00.000Z',
    ]);
    // A list mixing a value, a name range and a stepped wildcard.
    expect(occurrences('0 0 0 1 1,JUN-jul,*/5 *', '2026-01-01T00:00:00Z', 5)).toEqual([
      '2026-06-01T00:00:00.000Z', // 1, 6 (JUN and */5), 7, 11
      '2026-07-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
      '2027-06-01T00:00:00.000Z',
    ]);
    expect(occurrences('0 0 0 * * */2', '2026-03-12T00:00:00Z', 3)).toEqual([
      '2026-03-14T00:00:00.000Z', // Sat, then Sun (0), Tue (2)
      '2026-03-15T00:00:00.000Z',
      '2026-03-17T00:00:00.000Z',
    ]);
  });

  it('keeps the expression and tolerates surrounding and repeated spaces', () => {
    const schedule = parseNcrontab('  0 0  */6 * * * ');
    expect(schedule.expression).toBe('  0 0  */6 * * * ');
    expect(schedule.next(new Date('2026-03-10T01:00:00Z')).toISOString()).toBe('2026-03-10T06:00:00.000Z');
  });

  it('refuses an invalid Date and gives up, rather than looping, past the end of representable time', () => {
    expect(() => parseNcrontab('0 0 0 * * *').next(new Date('nope'))).toThrow(RangeError);
    const last = new Date(8.64e15); // 275760-09-13, the last instant a Date can hold
    expect(() => parseNcrontab('0 0 0 1 1 *').next(last)).toThrow(/no occurrence within 400 years/);
  });
});

describe('parseNcrontab: invalid expressions', () => {
  it.each([
    ['0 0 */2 * *', /has 5 fields; it needs 6: second minute hour day month day-of-week/],
    ['', /has 0 fields/],
    ['0 0 0 * * * *', /has 7 fields/],
    ['60 * * * * *', /second field "60" has 60, which is out of range; second allows 0-59/],
    ['0 60 * * * *', /minute field "60" has 60, which is out of range; minute allows 0-59/],
    ['0 0 24 * * *', /hour field "24" has 24, which is out of range; hour allows 0-23/],
    ['0 0 0 0 * *', /day field "0" has invalid value "0"; day allows 1-31/],
    ['0 0 0 32 * *', /day field "32" has 32, which is out of range; day allows 1-31/],
    ['0 0 0 * 13 *', /month field "13" has 13, which is out of range; month allows 1-12 or JAN-DEC/],
    ['0 0 0 * * 8', /day-of-week field "8" has 8, which is out of range; day-of-week allows 0-6 \(0 or 7 = Sunday\) or SUN-SAT/],
    ['0 0 0 * FOO *', /month field "FOO" has unknown name "FOO"; month allows 1-12 or JAN-DEC/],
    ['0 0 0 * * FUNDAY', /day-of-week field "FUNDAY" has unknown name "FUNDAY"/],
    ['0 0 0 * * MO', /day-of-week field "MO" has unknown name "MO"/],
    ['0 0 MON * * *', /hour field "MON" has invalid value "MON"; hour allows 0-23/],
    ['0 0 -1 * * *', /hour field "-1" has invalid value ""/],
    ['0 0 18-6 * * *', /hour field "18-6" has reversed range "18-6"/],
    ['0 0 0 * * FRI-MON', /day-of-week field "FRI-MON" has reversed range "FRI-MON"/],
    ['0 */0 * * * *', /minute field "\*\/0" has step 0/],
    ['0 0 1-5/0 * * *', /hour field "1-5\/0" has step 0/],
    ['0 0 */x * * *', /hour field "\*\/x" has invalid step "\/x"/],
    ['0 0 1,,2 * * *', /hour field "1,,2" has an empty or malformed item ""/],
    ['0 0 1-2-3 * * *', /hour field "1-2-3" has malformed range "1-2-3"/],
    ['? 0 0 * * *', /second field "\?" has invalid value "\?"/],
    ['0 0 0 30 2 *', /day field "30" never occurs in month field "2"/],
    ['0 0 0 31 APR,JUN,SEP,NOV *', /day field "31" never occurs in month field "APR,JUN,SEP,NOV"/],
  ])('%j is refused: %s', (expression, message) => {
    let thrown: unknown;
    try {
      parseNcrontab(expression);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(NcrontabError);
    const error = thrown as NcrontabError;
    expect(error.code).toBe('InvalidSchedule');
    expect(error.name).toBe('NcrontabError');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`"${expression}"`);
  });

  it('accepts 31 when at least one selected month has it, and 29 February', () => {
    expect(() => parseNcrontab('0 0 0 31 APR,MAY *')).not.toThrow();
    expect(() => parseNcrontab('0 0 0 29 2 *')).not.toThrow();
  });
});
