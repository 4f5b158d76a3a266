import { ensureError } from '../errors';
import { parseNcrontab } from './ncrontab';

/** The export intervals the reference product offers, and the NCRONTAB schedule (UTC) each maps to. */
export const INTERVAL_SCHEDULES = {
  EVERY_2_HOURS: '0 0 */2 * * *',
  EVERY_4_HOURS: '0 0 */4 * * *',
  EVERY_6_HOURS: '0 0 */6 * * *',
  EVERY_12_HOURS: '0 0 */12 * * *',
  EVERY_24_HOURS: '0 0 0 * * *',
} as const;

export type ExportInterval = keyof typeof INTERVAL_SCHEDULES;
export const EXPORT_INTERVALS = Object.keys(INTERVAL_SCHEDULES) as ExportInterval[];

/** Why an NCRONTAB expression is unusable (the parser's own message, naming the field), or undefined when it is fine. */
export function scheduleProblem(expression: string): string | undefined {
  try {
    parseNcrontab(expression.trim());
    return undefined;
  } catch (error) {
    return ensureError(error).message.replace(/^Invalid NCRONTAB expression "[^"]*": /, 'is not a valid NCRONTAB schedule: ');
  }
}
