// croner owns the cron grammar and its search; these tests pin the schedules the product uses and where our wrapper
// makes croner read a schedule as NCrontab (the Functions host) does.
import { spawnSync } from 'node:child_process';
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

/** The NcrontabError that parsing `expression` throws. */
function refusal(expression: string): NcrontabError {
  try {
    parseNcrontab(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(NcrontabError);
    return error as NcrontabError;
  }
  throw new Error(`"${expression}" was accepted`);
}

describe('parseNcrontab: the product intervals and the README examples', () => {
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
    // EXPORT_SCHEDULE examples from the settings and host tests.
    ['0 30 1 * * *', '2026-03-10T01:30:00Z', '2026-03-11T01:30:00.000Z'],
    ['0 15 * * * *', '2026-03-10T23:15:00Z', '2026-03-11T00:15:00.000Z'],
    ['0 30 1 * * 1-5', '2026-03-13T01:30:00Z', '2026-03-16T01:30:00.000Z'], // Friday -> Monday
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

  it('reads UTC whatever the process time zone', () => {
    // Node fixes the zone at start, so a child process: New York changes to daylight saving time on 2026-03-08.
    const script = `const { parseNcrontab } = require(${JSON.stringify(require.resolve('../../src/config/ncrontab'))});
      const s = parseNcrontab('0 0 */12 * * *'); let at = new Date('2026-03-07T23:00:00Z'); const out = [];
      for (let i = 0; i < 3; i++) out.push((at = s.next(at)).toISOString());
      console.log(JSON.stringify(out));`;
    const child = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: 'America/New_York' }, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    expect(JSON.parse(child.stdout)).toEqual(['2026-03-08T00:00:00.000Z', '2026-03-08T12:00:00.000Z', '2026-03-09T00:00:00.000Z']);
  });
});

describe('parseNcrontab: where NCrontab reads a schedule differently from croner', () => {
  it('requires day-of-month AND day-of-week when both are restricted', () => {
    // Classic cron would OR them and fire on 2026-01-02 (a Friday); NCrontab fires only on Friday the 13th.
    expect(occurrences('0 0 0 13 * FRI', '2026-01-01T00:00:00Z', 3)).toEqual([
      '2026-02-13T00:00:00.000Z',
      '2026-03-13T00:00:00.000Z',
      '2026-11-13T00:00:00.000Z',
    ]);
    // A rare combination is still found: the next Feb 29 that is a Monday.
    expect(next('0 0 0 29 FEB MON', '2026-01-01T00:00:00Z')).toBe('2044-02-29T00:00:00.000Z');
  });

  it('reads "n/s" as from n to the end of the field', () => {
    expect(occurrences('0 0 0 1 3/4 *', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-07-01T00:00:00.000Z',
      '2026-11-01T00:00:00.000Z',
      '2027-03-01T00:00:00.000Z',
    ]);
    expect(occurrences('0 0 0 * * 5/1', '2026-03-12T00:00:00Z', 3)).toEqual([
      '2026-03-13T00:00:00.000Z', // Friday and Saturday: day-of-week ends at 6, so not Sunday
      '2026-03-14T00:00:00.000Z',
      '2026-03-20T00:00:00.000Z',
    ]);
  });

  it('takes a step longer than the field as its first value alone', () => {
    expect(occurrences('0 0 */25 * * *', '2026-03-10T01:00:00Z', 2)).toEqual(['2026-03-11T00:00:00.000Z', '2026-03-12T00:00:00.000Z']);
    expect(next('0 0 5-7/30 * * *', '2026-03-10T06:00:00Z')).toBe('2026-03-11T05:00:00.000Z');
    expect(next('0 0 0 1 2/13 *', '2026-03-10T00:00:00Z')).toBe('2027-02-01T00:00:00.000Z');
  });

  it('takes names by three letters or more of the English name, in any case', () => {
    expect(next('0 0 0 1 January *', '2025-12-31T23:59:59Z')).toBe('2026-01-01T00:00:00.000Z');
    expect(next('0 0 0 1 Janu *', '2026-01-01T00:00:00Z')).toBe('2027-01-01T00:00:00.000Z');
    expect(next('0 30 9 * * mon-fri', '2026-03-13T09:30:00Z')).toBe('2026-03-16T09:30:00.000Z');
    expect(next('0 0 0 * * Tuesday,THU', '2026-03-10T00:00:00Z')).toBe('2026-03-12T00:00:00.000Z');
    expect(refusal('0 0 0 * * MO').message).toMatch(/day-of-week field "MO" has unknown name "MO"/);
    expect(refusal('0 0 0 * FOO *').message).toMatch(/month field "FOO" has unknown name "FOO"/);
    expect(refusal('0 0 MON * * *').message).toMatch(/hour field "MON" has unknown name "MON"/);
  });

  it('treats 0 and 7 as Sunday', () => {
    expect(next('0 0 0 * * 7', '2026-03-10T00:00:00Z')).toBe('2026-03-15T00:00:00.000Z');
    expect(occurrences('0 0 0 * * 5-7', '2026-03-12T00:00:00Z', 4)).toEqual([
      '2026-03-13T00:00:00.000Z',
      '2026-03-14T00:00:00.000Z',
      '2026-03-15T00:00:00.000Z',
      '2026-03-20T00:00:00.000Z',
    ]);
  });

  it.each(['? 0 0 * * *', '0 0 0 L * *', '0 0 0 15W * *', '0 0 0 * * FRI#2', '0 0 0 * * 5L', '@daily', '0 0 0 * * +MON'])(
    'refuses croner syntax the Functions host does not know: %j',
    (expression) => {
      expect(refusal(expression).message).toMatch(/is not a comma list|has unknown name|has 1 fields/);
    },
  );

  it('refuses the end of a stepped range past the field, which croner lets through', () => {
    expect(refusal('0 0 0 5-32/2 * *').message).toMatch(/day field "5-32\/2" has 32, which is out of range/);
    expect(refusal('0 0 0 * * 6-8/2').message).toMatch(/day-of-week field "6-8\/2" has 8, which is out of range/);
  });

  it('refuses a schedule that can never fire', () => {
    expect(refusal('0 0 0 30 2 *').message).toMatch(/"0 0 0 30 2 \*": never occurs/);
    expect(refusal('0 0 0 31 APR,JUN,SEP,NOV *').message).toMatch(/never occurs/);
    expect(() => parseNcrontab('0 0 0 31 APR,MAY *')).not.toThrow();
  });
});

describe('parseNcrontab: what callers rely on', () => {
  it.each([
    ['0 0 */2 * *', /has 5 fields; it needs 6: second minute hour day month day-of-week/],
    ['', /has 0 fields/],
    ['0 0 0 * * * *', /has 7 fields/],
    ['0 0 24 * * *', /24/], // croner's own words
  ])('%j is refused with an NcrontabError naming it: %s', (expression, message) => {
    const error = refusal(expression);
    expect(error.code).toBe('InvalidSchedule');
    expect(error.name).toBe('NcrontabError');
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`Invalid NCRONTAB expression "${expression}": `);
  });

  it('keeps the expression and tolerates surrounding and repeated spaces', () => {
    const schedule = parseNcrontab('  0 0  */6 * * * ');
    expect(schedule.expression).toBe('  0 0  */6 * * * ');
    expect(schedule.next(new Date('2026-03-10T01:00:00Z')).toISOString()).toBe('2026-03-10T06:00:00.000Z');
  });

  it('refuses an invalid Date and says so when no occurrence is left', () => {
    expect(() => parseNcrontab('0 0 0 * * *').next(new Date('nope'))).toThrow(RangeError);
    expect(() => parseNcrontab('0 0 0 1 1 *').next(new Date('9999-06-01T00:00:00Z'))).toThrow(/has no occurrence after 9999-06-01/);
  });
});
