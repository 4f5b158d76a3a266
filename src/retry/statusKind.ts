import type { ErrorKind } from '../errors';

/**
 * What an HTTP error status means for trying again, the same for every peer: 408 (timed out), 429 (throttled)
 * and 5xx may pass, anything else will not. Azure's guidance names 408, 429, 500, 502, 503 and 504; the exporter
 * has always retried every 5xx, and still does. Statuses a caller knows more about (401, 403, 404, 412) it
 * classifies first.
 */
export function statusKind(status: number): Extract<ErrorKind, 'retryable' | 'permanent'> {
  return status === 408 || status === 429 || status >= 500 ? 'retryable' : 'permanent';
}
