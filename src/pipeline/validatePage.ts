import { ExportError } from '../errors';
import type { AuditPage, PageRequest } from '../ports/auditSource';

/**
 * Checks a page before any of it is written: a page that breaks the contract is refused whole, so a
 * misbehaving API can never put events in the wrong hour file or leave a half-written page.
 */
export function validatePage(page: AuditPage, request: PageRequest): void {
  const where = `window ${request.window.start.toISOString()}..${request.window.end.toISOString()} offset ${request.offset}`;
  const fail = (why: string) => {
    throw new ExportError('InvalidPage', `the audit API returned an invalid page at ${where}: ${why}`, { kind: 'retryable' });
  };
  const count = page.lineEnds.length;
  if (count > request.size) fail(`${count} events for a page size of ${request.size}`);
  const start = request.window.start.getTime();
  const end = request.window.end.getTime();
  let previous = -Infinity;
  for (let i = 0; i < count; i++) {
    const t = page.eventTimes[i]!;
    if (t >= start && t < end && t >= previous) {
      previous = t;
      continue;
    }
    const { id, eventTimestamp } = page.describe(i);
    if (Number.isNaN(t)) fail(`event ${i} (${id}) has no valid "eventTimestamp"`);
    if (t < start || t >= end) fail(`event ${i} (${id}) at ${eventTimestamp} lies outside the window`);
    fail(`event ${i} (${id}) is out of time order`);
  }
}
