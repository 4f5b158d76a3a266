import { readPage } from '../ndjson/auditPage';
import type { AuditSource } from '../ports/auditSource';
import { HOUR_MS } from '../time/window';


/**
 * The audit API's count for one UTC hour now: one request of one event over [hour, hour + 1 h], as
 * test-connection asks. Exact where minDate is inclusive and maxDate exclusive (the usual reading); an API that
 * counts both ends also counts events at the next hour's first millisecond. undefined if it gives no count.
 */
export async function apiCountOf(source: AuditSource, hour: number, { abortSignal }: { abortSignal: AbortSignal }): Promise<number | undefined> {
  const window = { start: new Date(hour), end: new Date(hour + HOUR_MS) };
  const page = await readPage(source, { window, from: window.start, to: window.end, offset: 0, size: 1 }, { abortSignal });
  page.release();
  return page.count;
}
