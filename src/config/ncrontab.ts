/**
 * NCRONTAB with seconds, as Azure Functions timer triggers use it (the host parses schedules with
 * NCrontab, https://github.com/atifaziz/NCrontab). Pure: no clock, no I/O; everything is UTC.
 */
import { ExportError } from '../errors';

export class NcrontabError extends ExportError {
  constructor(message: string) {
    super('InvalidSchedule', message, { kind: 'permanent' });
    this.name = 'NcrontabError';
  }
}

export interface Ncrontab {
  readonly expression: string;
  /** First occurrence strictly after `after`, in UTC. */
  next(after: Date): Date;
}

interface FieldSpec {
  readonly name: string;
  readonly min: number;
  /** Largest value `*` and `n/s` cover. */
  readonly max: number;
  /** Largest literal value accepted (day-of-week also takes 7 for Sunday, as most crons do). */
  readonly top: number;
  readonly allows: string;
  readonly names?: readonly string[];
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october',
  'november', 'december'];
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const FIELDS: readonly FieldSpec[] = [
  { name: 'second', min: 0, max: 59, top: 59, allows: '0-59' },
  { name: 'minute', min: 0, max: 59, top: 59, allows: '0-59' },
  { name: 'hour', min: 0, max: 23, top: 23, allows: '0-23' },
  { name: 'day', min: 1, max: 31, top: 31, allows: '1-31' },
  { name: 'month', min: 1, max: 12, top: 12, allows: '1-12 or JAN-DEC', names: MONTHS },
  { name: 'day-of-week', min: 0, max: 6, top: 7, allows: '0-6 (0 or 7 = Sunday) or SUN-SAT', names: WEEKDAYS },
];
const SYNTAX = 'a comma list of *, n, a-b, */s, a-b/s or n/s';
/** Longest each month can be (February in a leap year), to reject day/month pairs that never exist. */
const LONGEST_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** The Gregorian calendar repeats every 400 years (146097 days, a whole number of weeks): no match by then means never. */
const SEARCH_MONTHS = 400 * 12;

/**
 * Parses a six-field NCRONTAB expression (second minute hour day month day-of-week), as Azure Functions timer
 * triggers use, evaluated in UTC. Throws NcrontabError (with a message naming the bad field and what it allows)
 * on anything invalid.
 */
export function parseNcrontab(expression: string): Ncrontab {
  const fail = (why: string): never => {
    throw new NcrontabError(`Invalid NCRONTAB expression "${expression}": ${why}`);
  };
  const parts = expression.trim().split(/\s+/).filter((p) => p !== '');
  if (parts.length !== 6) {
    fail(`has ${parts.length} fields; it needs 6: second minute hour day month day-of-week (e.g. "0 0 */6 * * *")`);
  }
  const [second, minute, hour, day, month, weekday] = FIELDS.map((spec, i) => parseField(spec, parts[i]!, fail)) as Table[];
  const sets: Sets = { second, minute, hour, day, month, weekday };
  // Caught here rather than by next(): "0 0 0 30 2 *" parses field by field but can never fire.
  if (!sets.day.some((on, d) => on && sets.month.some((m, mo) => m && d <= LONGEST_MONTH[mo - 1]!))) {
    fail(`day field "${parts[3]}" never occurs in month field "${parts[4]}"; day allows 1-31, but only days that month has`);
  }
  return { expression, next: (after) => nextAfter(sets, expression, after) };
}

/** A field as a lookup table: table[v] is true when value v is selected. */
type Table = boolean[];
type Sets = Record<'second' | 'minute' | 'hour' | 'day' | 'month' | 'weekday', Table>;

function parseField(spec: FieldSpec, text: string, fail: (why: string) => never): Table {
  const bad = (why: string): never => fail(`${spec.name} field "${text}" ${why}; ${spec.name} allows ${spec.allows}, as ${SYNTAX}`);
  const value = (token: string): number => {
    let v = NaN;
    if (/^\d+$/.test(token)) v = Number(token);
    // Names: three letters or more of the English name, any case (NCrontab accepts any prefix; "J" would be ambiguous).
    else if (spec.names && token.length >= 3) v = spec.names.findIndex((n) => n.startsWith(token.toLowerCase())) + spec.min;
    if (Number.isNaN(v) || v < spec.min) {
      bad(spec.names && !/^\d+$/.test(token) ? `has unknown name "${token}"` : `has invalid value "${token}"`);
    }
    if (v > spec.top) bad(`has ${v}, which is out of range`);
    return v;
  };
  const on: boolean[] = new Array<boolean>(spec.max + 1).fill(false);
  for (const item of text.split(',')) {
    const m = /^([^/]+)(?:\/(.*))?$/.exec(item);
    if (!m) return bad(`has an empty or malformed item "${item}"`);
    const base = m[1]!;
    const stepText = m[2];
    if (stepText !== undefined && !/^\d+$/.test(stepText)) bad(`has invalid step "/${stepText}"`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) bad('has step 0; a step must be at least 1');
    let from: number, to: number;
    if (base === '*') [from, to] = [spec.min, spec.max];
    else if (base.includes('-')) {
      const [a, b, ...rest] = base.split('-');
      if (rest.length > 0) bad(`has malformed range "${base}"`);
      [from, to] = [value(a!), value(b!)];
      if (from > to) bad(`has reversed range "${base}"; write the smaller value first`);
    } else {
      from = value(base);
      to = stepText === undefined ? from : spec.max; // "n/s" runs from n to the field's max, as in NCrontab
    }
    for (let v = from; v <= to; v += step) on[v > spec.max ? spec.min : v] = true; // only day-of-week 7 (Sunday) wraps
  }
  return on;
}

/**
 * Steps through candidate days (never seconds) and then searches hours/minutes/seconds in the first matching day.
 * Day-of-month AND day-of-week must both match, following NCrontab: CrontabSchedule.GetNextOccurrence finds the next
 * day-of-month date and then only accepts it if `daysOfWeek.Contains(DayOfWeek)`, else retries from the next day
 * (NCrontab/CrontabSchedule.cs, atifaziz/NCrontab @ d122d58, 2025). This differs from classic Vixie cron, which ORs
 * the two when both are restricted, so "0 0 0 13 * FRI" means only Friday the 13th here.
 */
function nextAfter(sets: Sets, expression: string, after: Date): Date {
  const ms = after.getTime();
  if (Number.isNaN(ms)) throw new RangeError('next() needs a valid Date');
  const start = new Date(Math.floor(ms / 1000) * 1000 + 1000); // strictly after: next whole second
  const y0 = start.getUTCFullYear();
  const m0 = start.getUTCMonth();
  for (let k = 0; k < SEARCH_MONTHS; k++) {
    const year = y0 + Math.floor((m0 + k) / 12);
    const month = ((m0 + k) % 12) + 1;
    if (!sets.month[month]) continue; // skip whole months cheaply
    const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate(); // a missing day (Feb 30) is simply never visited
    for (let day = k === 0 ? start.getUTCDate() : 1; day <= daysInMonth; day++) {
      if (!sets.day[day] || !sets.weekday[new Date(Date.UTC(year, month - 1, day)).getUTCDay()]) continue;
      const first = k === 0 && day === start.getUTCDate();
      const time = firstTime(sets, first ? [start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()] : [0, 0, 0]);
      if (time) return new Date(Date.UTC(year, month - 1, day, ...time));
    }
  }
  throw new NcrontabError(`NCRONTAB expression "${expression}" has no occurrence within 400 years after ${after.toISOString()}`);
}

/** Earliest selected time of day at or after `from`, or undefined when the day has none left. */
function firstTime(sets: Sets, from: [number, number, number]): [number, number, number] | undefined {
  for (let h = from[0]; h < 24; h++) {
    if (!sets.hour[h]) continue;
    for (let m = h === from[0] ? from[1] : 0; m < 60; m++) {
      if (!sets.minute[m]) continue;
      for (let s = h === from[0] && m === from[1] ? from[2] : 0; s < 60; s++) if (sets.second[s]) return [h, m, s];
    }
  }
  return undefined;
}
