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

// Six fields: second minute hour day month day-of-week; each a list of values, ranges, steps or names.
const FIELD = /^(\*|\?|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?(,(\*|[0-9A-Za-z]+(-[0-9A-Za-z]+)?)(\/[0-9]+)?)*$/;

/** Why an NCRONTAB expression is unusable, or undefined when its shape is fine. */
export function scheduleProblem(expression: string): string | undefined {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 6) {
    return `has ${fields.length} fields; NCRONTAB needs 6: second minute hour day month day-of-week, e.g. "0 0 */6 * * *"`;
  }
  const bad = fields.find((f) => !FIELD.test(f));
  return bad === undefined ? undefined : `has an invalid field "${bad}"`;
}
