import { ensureError, ExportError } from '../errors';
import type { Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { askedByPeer, retryDelay, type RetryPolicy } from './retryDecision';

export interface RetryDeps {
  clock: Clock;
  logger: Logger;
  policy: RetryPolicy;
  abortSignal: AbortSignal;
  /** Epoch ms by which the work must be done: a wait that would end later is not begun (see WaitBeyondDeadline). */
  deadline?: number;
  /** The backoff's jitter, in [0, 1); Math.random unless a test fixes it. */
  random?: () => number;
}

/**
 * Runs `attempt` until it succeeds, the policy gives up, or the signal aborts; every wait can be aborted. A wait
 * (the backoff, or the peer's longer Retry-After) that does not fit before the deadline ends the work with
 * ExportError `WaitBeyondDeadline`, rather than retrying sooner than asked.
 */
export async function withRetries<T>(what: string, attempt: (n: number) => Promise<T>, deps: RetryDeps): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      const delay = retryDelay(n, error, deps.policy, deps.random);
      if (delay === undefined || deps.abortSignal.aborted) throw error;
      const left = deps.deadline === undefined ? Infinity : deps.deadline - deps.clock.now().getTime();
      if (delay > left) {
        const wait = askedByPeer(error, delay) ? `the peer asked to wait ${Math.ceil(delay / 1000)} s before trying again` : `its next try is due in ${Math.ceil(delay / 1000)} s`;
        throw new ExportError(
          'WaitBeyondDeadline',
          `${what} failed and ${wait}, more than the ${Math.max(0, Math.floor(left / 1000))} s left of this run: the run stops here and the next one goes on from its checkpoint (${ensureError(error).message})`,
          { kind: 'retryable', cause: error },
        );
      }
      deps.logger.warn(`${what} failed, retrying`, { attempt: n, delayMs: delay, error: ensureError(error).message });
      await deps.clock.sleep(delay, deps.abortSignal);
    }
  }
}
