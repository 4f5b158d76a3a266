import { Cron, type CronOptions } from 'croner';

/**
 * NCRONTAB with seconds, as Azure Functions timer triggers use it (the host parses schedules with NCrontab,
 * https://github.com/atifaziz/NCrontab), evaluated by croner in UTC. Pure: no clock, no I/O.
 */
import { ensureError, ExportError } from '../errors';

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

/** Where croner, left to its defaults, reads a schedule differently from NCrontab. */
const AS_NCRONTAB: CronOptions = {
  mode: '6-part',
  utcOffset: 0,
  // NCrontab requires day-of-month AND day-of-week when both are restricted: "0 0 0 13 * FRI" is only Friday the 13th
  // (CrontabSchedule.GetNextOccurrence). Classic cron, and croner by default, OR them.
  domAndDow: true,
};

interface Field {
  readonly name: string;
  /** Where NCrontab's "n/s" ends. */
  readonly max: number;
  /** The longest step croner takes: the field's number of values. */
  readonly size: number;
  /** The largest value written, when above max (7 is Sunday too). */
  readonly top?: number;
  /** English names, the first standing for `min`. */
  readonly names?: readonly string[];
  readonly min?: number;
}

const FIELDS: readonly Field[] = [
  { name: 'second', max: 59, size: 60 },
  { name: 'minute', max: 59, size: 60 },
  { name: 'hour', max: 23, size: 24 },
  { name: 'day', max: 31, size: 31 },
  { name: 'month', max: 12, size: 12, min: 1, names: ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'] },
  { name: 'day-of-week', max: 6, size: 7, top: 7, min: 0, names: ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] },
];

/**
 * Parses a six-field NCRONTAB expression (second minute hour day month day-of-week). Throws NcrontabError, with a
 * message naming what is wrong, on anything the Functions host would refuse and on a schedule that never fires.
 */
export function parseNcrontab(expression: string): Ncrontab {
  const fail = (why: string): never => {
    throw new NcrontabError(`Invalid NCRONTAB expression "${expression}": ${why}`);
  };
  const fields = expression.trim().split(/\s+/).filter((p) => p !== '');
  if (fields.length !== 6) {
    fail(`has ${fields.length} fields; it needs 6: second minute hour day month day-of-week (e.g. "0 0 */6 * * *")`);
  }
  const pattern = fields.map((text, i) => asCroner(text, FIELDS[i]!, fail)).join(' ');
  let cron: Cron;
  try {
    cron = new Cron(pattern, AS_NCRONTAB);
  } catch (error) {
    return fail(ensureError(error).message.replace(/^CronPattern: /, ''));
  }
  // Caught here rather than by next(): "0 0 0 30 2 *" parses field by field but can never fire. The calendar repeats
  // every 400 years, so none from 2000 on (croner searches to year 9999) means none ever.
  if (!cron.nextRun(new Date(Date.UTC(2000, 0, 1)))) fail('never occurs: no date has the day, month and day-of-week it asks for');
  return {
    expression,
    next(after) {
      if (Number.isNaN(after.getTime())) throw new RangeError('next() needs a valid Date');
      const at = cron.nextRun(after);
      if (!at) throw new NcrontabError(`NCRONTAB expression "${expression}" has no occurrence after ${after.toISOString()}`);
      return at;
    },
  };
}

/** The field as croner reads it with NCrontab's meaning: names as numbers, "n/s" as a range, no step past the field. */
function asCroner(text: string, field: Field, fail: (why: string) => never): string {
  const bad = (why: string): never => fail(`${field.name} field "${text}" ${why}`);
  const numeric = text.replace(/[a-z]+/gi, (name) => String(nameValue(name, field) ?? bad(`has unknown name "${name}"`)));
  // croner also takes ?, L, W, # and nicknames; the Functions host does not, so neither do we.
  if (!/^[\d*,/-]+$/.test(numeric)) bad('is not a comma list of *, n, a-b, */s, a-b/s or n/s');
  return numeric.split(',').map((item) => {
    const stepped = /^(\*|(\d+)(?:-(\d+))?)\/(\d+)$/.exec(item);
    if (!stepped) return item;
    const [, range, from, to, step] = stepped;
    // croner checks a stepped range's end only where a step lands; NCrontab checks it always.
    if (to !== undefined && Number(to) > (field.top ?? field.max)) bad(`has ${to}, which is out of range`);
    // NCrontab: "n/s" runs from n to the field's max; a step longer than the field selects the first value alone,
    // where croner refuses it.
    return `${to === undefined && from !== undefined ? `${from}-${field.max}` : range}/${Math.min(Number(step), field.size)}`;
  }).join(',');
}

/** NCrontab takes a name by any prefix of its English name, in any case; we ask for three letters, as one is ambiguous. */
function nameValue(name: string, field: Field): number | undefined {
  const i = field.names && name.length >= 3 ? field.names.findIndex((n) => n.startsWith(name.toLowerCase())) : -1;
  return i < 0 ? undefined : i + field.min!;
}
