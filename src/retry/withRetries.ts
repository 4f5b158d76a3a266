import { ensureError, ExportError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { retryDelay, type RetryPolicy } from './retryDecision';

export interface RetryDeps {
  clock: Clock;
  logger: Logger;
  policy: RetryPolicy;
  abortSignal: AbortSignal;
  /** Epoch ms by which the work must be done: a wait that would end later is not begun (see WaitBeyondDeadline). */
  deadline?: number;
}

/**
 * Runs `attempt` until it succeeds, the policy gives up, or the signal aborts; every wait can be aborted. A wait the
 * peer asked for (Retry-After) that does not fit before the deadline ends the work with ExportError
 * `WaitBeyondDeadline`, rather than retrying sooner than asked.
 */
export async function withRetries<T>(what: string, attempt: (n: number) => Promise<T>, deps: RetryDeps): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const delay = retryDelay(n, error, deps.policy);
      if (delay === undefined || deps.abortSignal.aborted) throw error;
      const left = deps.deadline === undefined ? Infinity : deps.deadline - deps.clock.now().getTime();
      if (delay > left) {
        throw new ExportError(
          'WaitBeyondDeadline',
          `${what} failed and the peer asked to wait ${Math.ceil(delay / 1000)} s before trying again, more than the ${Math.max(0, Math.floor(left / 1000))} s left of this run: the run stops here and the next one goes on from its checkpoint (${ensureError(error).message})`,
          { kind: 'retryable', cause: error },
        );
      }
      deps.logger.warn(`${what} failed, retrying`, { attempt: n, delayMs: delay, error: ensureError(error).message });
      await deps.clock.sleep(delay, deps.abortSignal);
    }
  }
}
