/** Audit APIs hold nothing this old; an earlier start is a typo (year 0000 reached the API as HTTP 400). */
const EARLIEST_START = Date.parse('2000-01-01T00:00:00Z');

/** Immuta keeps audit events 90 days on SaaS (7 self-managed): a start before that cannot find what it asks for. */
const RETENTION_DAYS = 90;

/** Why an export start is refused, or undefined: later than now loses everything until then; before 2000 is a typo. */
export function exportStartProblem(start: Date, now: Date): string | undefined {
  if (start.getTime() > now.getTime()) {
    return `is in the future (${start.toISOString()}, now ${now.toISOString()}): a start later than now would skip every event until then; give a time in the past`;
  }
  if (start.getTime() < EARLIEST_START) return `is before 2000-01-01 (${start.toISOString()}): check the year`;
  return undefined;
}

/** A warning for a start further back than the audit API keeps events, or undefined. */
export function exportStartWarning(start: Date, now: Date): string | undefined {
  const days = Math.floor((now.getTime() - start.getTime()) / 86_400_000);
  if (days <= RETENTION_DAYS) return undefined;
  return `EXPORT_START is ${days} days ago: Immuta keeps audit events ${RETENTION_DAYS} days on SaaS and 7 self-managed, so the first runs page through windows the API no longer holds`;
}
