import { AUDIT_PROBE_RETRY } from '../config/defaults';
import { ExportError, isExportError } from '../errors';
import { startOf } from '../pages/position';
import { QUARANTINE, refuseUnplaceable, sortAnswer } from '../pages/sortAnswer';
import { readPage, type AuditPage } from '../ndjson/auditPage';
import type { PageRequest } from '../ports/auditSource';
import { silentLogger } from '../ports/logger';
import type { Composition } from '../run/composition';
import type { SecretValue } from '../redact';
import { askedByPeer, retryDelay } from '../retry/retryDecision';
import { HOUR_MS, hourOf } from '../time/window';

export interface AuditApiProbeOptions {
  apiKey?: SecretValue;
  abortSignal: AbortSignal;
  /** The link's time: a Retry-After that does not fit in what is left of it fails the check at once. */
  timeoutMs: number;
}

/**
 * Asks the audit API for the first page of the last full hour, as a run asks for a window, and checks the answer
 * with the run's own checks (sortAnswer): a page a run would refuse fails here too. Transient answers are asked
 * again a few times, never sooner than a Retry-After says. Returns what the check saw.
 */
export async function probeAuditApi(root: Composition, options: AuditApiProbeOptions): Promise<string> {
  const { settings, clock } = root;
  const deadline = clock.now().getTime() + options.timeoutMs;
  // One try per call, one page: the loop below retries, and knows the link's deadline.
  const source = root.auditSource({ apiKey: options.apiKey, logger: silentLogger, retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0 }, pageBuffers: 1 });
  const end = hourOf(clock.now());
  const window = { start: new Date(end.getTime() - HOUR_MS), end };
  const position = startOf(window);
  const request: PageRequest = { window, from: new Date(position.from), to: window.end, offset: 0, size: settings.pageSize };

  let page: AuditPage | undefined;
  for (let attempt = 1; !page; attempt++) {
    try {
      page = await readPage(source, request, { abortSignal: options.abortSignal });
    } catch (error) {
      // The run's retry decision, without its cap on waiting: a Retry-After is honoured in full or not at all.
      const delay = retryDelay(attempt, error, AUDIT_PROBE_RETRY);
      if (delay === undefined || !isExportError(error)) throw error;
      if (clock.now().getTime() + delay >= deadline) throw tooLong(error, delay, options.timeoutMs);
      await clock.sleep(delay, options.abortSignal);
    }
  }
  const { count, eventTimes } = page;
  // Not asked again: a page refused for what it holds is the API's data, and it would say the same.
  let unplaceable = 0;
  try {
    const sorted = sortAnswer(position, page, request, window);
    // A run stops at an event it cannot place only with EXPORT_INVALID_EVENTS=stop; else it keeps it in quarantine.
    if (settings.invalidEvents === 'stop') refuseUnplaceable(page, request, sorted);
    for (let i = 0; i < sorted.end; i++) if (sorted.kinds[i] === QUARANTINE) unplaceable++;
  } finally {
    page.release();
  }
  const counted = count === undefined ? 'without a count' : `${count} events in the last full hour`;
  const quarantined = unplaceable === 0 ? '' : ` (${unplaceable} of them cannot be placed, with no valid time or id: a run keeps such events in quarantine)`;
  return `${settings.auditApiUrl} (${settings.auditApiKind}, auth ${settings.auditApiAuth}) answered: ${counted}; its first page (${eventTimes.length} events) passes the checks a run makes${quarantined}`;
}

function tooLong(error: ExportError, delayMs: number, timeoutMs: number): ExportError {
  const asked = askedByPeer(error, delayMs) ? `the wait it asked for (Retry-After: ${error.retryAfterSeconds} s)` : `the next try (in ${delayMs / 1000} s)`;
  return new ExportError('AuditApiRetryTooLate', `${error.message}; ${asked} does not fit in this check's ${timeoutMs / 1000} s time-out (a run waits and retries)`, {
    kind: 'retryable',
    cause: error,
  });
}
