import { isExportError } from '../errors';

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Whether to try again after `attempt` (1-based) failed with `error`, and after how long. Pure: the caller
 * sleeps. Exponential backoff with full jitter, up to maxDelayMs; the peer's Retry-After only ever lengthens it:
 * never sooner than it asked (the caller decides whether that wait fits), and a Retry-After of 0 or a date past
 * does not make every attempt at once.
 */
export function retryDelay(attempt: number, error: unknown, policy: RetryPolicy, random: () => number = Math.random): number | undefined {
  if (!isExportError(error) || error.kind !== 'retryable') return undefined;
  if (attempt >= policy.maxAttempts) return undefined;
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.max(Math.round(ceiling * random()), (error.retryAfterSeconds ?? 0) * 1000);
}

/** Whether a wait of `delayMs` before the next try is the peer's own (its Retry-After), not our backoff. */
export function askedByPeer(error: unknown, delayMs: number): boolean {
  return isExportError(error) && error.retryAfterSeconds !== undefined && error.retryAfterSeconds * 1000 >= delayMs;
}

/** Retry-After as seconds: delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}
