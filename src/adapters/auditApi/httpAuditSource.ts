import { ExportError, ensureError } from '../../errors';
import { whereOf, type AuditAnswer, type AuditSource, type FetchOptions, type PageRequest, type TimeKey } from '../../ports/auditSource';
import type { Clock } from '../../ports/clock';
import type { Logger } from '../../ports/logger';
import { parseRetryAfter, type RetryPolicy } from '../../retry/retryDecision';
import { statusKind } from '../../retry/statusKind';
import { withRetries } from '../../retry/withRetries';
import { linkedSignal } from '../../abort/linkedSignal';
import type { AuditApiKind } from '../../config/auditApiKind';
import type { AuditAuth } from './auditAuth';
import { BodyTooLarge, type HttpGetter } from './httpGet';
import { PageBuffers } from './pageBuffers';
import { MAX_PAGE_BYTES } from '../../config/defaults';

/** Where each kind keeps an event's time: UAM's ISO-8601 "eventTimestamp", legacy's epoch-ms "dateTime". */
const TIME_KEY: Record<AuditApiKind, TimeKey> = { 'immuta-uam': 'eventTimestamp', 'immuta-legacy': 'dateTime' };

export interface HttpAuditSourceOptions {
  baseUrl: string;
  kind: AuditApiKind;
  auth: AuditAuth;
  /** One request may take this long before it is abandoned and retried. */
  requestTimeoutMs: number;
  retry: RetryPolicy;
  /** Answer bodies kept for reuse: as many as the caller has in flight at once, so none is left to the garbage collector. */
  pageBuffers: number;
  /** The connections to ask over: one HttpGetter for the process, since a worker runs many exports and each would otherwise leave its own. */
  http: HttpGetter;
  clock: Clock;
  logger: Logger;
}

/** Immuta's audit search, `GET /audit?minDate&maxDate&offset&size&sortField=dateTime&sortOrder=asc`, either kind. */
export class HttpAuditSource implements AuditSource {
  readonly #buffers: PageBuffers;

  constructor(private readonly options: HttpAuditSourceOptions) {
    this.#buffers = new PageBuffers(options.pageBuffers);
  }

  fetchAnswer<T>(request: PageRequest, read: (answer: AuditAnswer) => T, { abortSignal, deadline }: FetchOptions): Promise<T> {
    const { clock, logger, retry } = this.options;
    return withRetries('audit API request', async () => read(await this.once(request, abortSignal)), { clock, logger, policy: retry, abortSignal, deadline });
  }

  private async once(request: PageRequest, abortSignal: AbortSignal): Promise<AuditAnswer> {
    const url = new URL(`${this.options.baseUrl}/audit`);
    url.searchParams.set('minDate', request.from.toISOString());
    url.searchParams.set('maxDate', request.to.toISOString());
    url.searchParams.set('offset', String(request.offset));
    url.searchParams.set('size', String(request.size));
    url.searchParams.set('sortField', 'dateTime');
    url.searchParams.set('sortOrder', 'asc');
    const where = whereOf(request);
    const { auth } = this.options;

    const linked = linkedSignal(abortSignal, { timeoutMs: this.options.requestTimeoutMs });
    try {
      let answer;
      for (let attempt = 1; ; attempt++) {
        const authorization = await auth.header(linked.signal);
        const headers: Record<string, string> = { accept: 'application/json', ...(authorization ? { authorization } : {}) };
        answer = await this.options.http.get(url, headers, { abortSignal: linked.signal, maxBytes: MAX_PAGE_BYTES, allocate: (size) => this.#buffers.take(size) });
        // A refused token is exchanged anew and the request asked once more.
        if ((answer.status === 401 || answer.status === 403) && attempt === 1 && (await auth.refused(authorization, linked.signal))) continue;
        break;
      }
      if (answer.status < 200 || answer.status >= 300) {
        if (answer.status >= 300 && answer.status < 400) throw redirectError(answer.status, answer.headers.location, url, where);
        throw statusError(answer.status, answer.headers['retry-after'] ?? null, this.options.clock.now(), where);
      }
      const { body } = answer;
      return { body, timeKey: TIME_KEY[this.options.kind], release: () => this.#buffers.give(body) };
    } catch (error) {
      if (error instanceof ExportError) throw error;
      if (error instanceof BodyTooLarge) {
        throw new ExportError('InvalidPage', `the audit API sent a page larger than ${MAX_PAGE_BYTES / 1024 / 1024} MiB at ${where}; lower AUDIT_PAGE_SIZE`, { kind: 'permanent' });
      }
      if (abortSignal.aborted) throw error;
      throw new ExportError('AuditApiUnreachable', `the audit API at ${this.options.baseUrl} did not answer (${where}): ${ensureError(error).message}`, {
        kind: 'retryable',
        cause: error,
      });
    } finally {
      linked.dispose();
    }
  }
}

/**
 * Redirects are not followed: the API key would go wherever the answer points. The operator is told where, without
 * the query (which may carry a token), and what to change.
 */
function redirectError(status: number, location: string | undefined, from: URL, where: string): ExportError {
  let target = 'an address it did not give';
  try {
    if (location) {
      const to = new URL(location, from);
      target = `${to.origin}${to.pathname}`;
    }
  } catch {
    target = 'an unreadable address';
  }
  return new ExportError('AuditApiRedirected', `the audit API answered HTTP ${status} at ${where}, redirecting to ${target}; set AUDIT_API_URL to the address that answers directly (redirects are not followed, so the API key goes nowhere else)`, {
    kind: 'permanent',
  });
}

function statusError(status: number, retryAfter: string | null, now: Date, where: string): ExportError {
  if (status === 401 || status === 403) {
    return new ExportError('AuditApiKeyRejected', `the audit API refused the API key (HTTP ${status}); check the key in AUDIT_API_KEY_SECRET_NAME and AUDIT_API_AUTH`, { kind: 'permanent' });
  }
  const kind = statusKind(status);
  return new ExportError('AuditApiError', `the audit API answered HTTP ${status} at ${where}`, {
    kind,
    retryAfterSeconds: kind === 'retryable' ? parseRetryAfter(retryAfter, now) : undefined,
  });
}
