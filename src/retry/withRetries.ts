import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { retryDelay, type RetryPolicy } from './retryDecision';

/** Runs `attempt` until it succeeds, the policy gives up, or the signal aborts; every wait can be aborted. */
export async function withRetries<T>(
  what: string,
  attempt: (n: number) => Promise<T>,
  deps: { clock: Clock; logger: Logger; policy: RetryPolicy; abortSignal: AbortSignal },
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const delay = retryDelay(n, error, deps.policy);
      if (delay === undefined || deps.abortSignal.aborted) throw error;
      deps.logger.warn(`${what} failed, retrying`, { attempt: n, delayMs: delay, error: (error as Error).message });
      await deps.clock.sleep(delay, deps.abortSignal);
    }
  }
}
