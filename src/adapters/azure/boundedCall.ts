import { isRestError } from '@azure/core-rest-pipeline';
import { linkedSignal } from '../../abort/linkedSignal';
import { callTimeoutMs } from '../../config/defaults';
import { ExportError } from '../../errors';
import { describePeer, type Peer } from './peer';

/**
 * Runs one SDK call, all its tries, under a deadline of its own tied to the caller's signal. A call that outlives
 * it, or whose last try timed out, fails naming the peer, its setting and what timed out; other errors pass as
 * they came, for the adapter to classify.
 */
export async function boundedCall<T>(peer: Peer, what: string, abortSignal: AbortSignal, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const linked = linkedSignal(abortSignal, { timeoutMs: callTimeoutMs(peer.retry) });
  try {
    return await call(linked.signal);
  } catch (error) {
    if (abortSignal.aborted || !(linked.signal.aborted || isTryTimeout(error))) throw error;
    throw peerTimeout(peer, what, error);
  } finally {
    linked.dispose();
  }
}

/** A try that got no answer in time: from tryTimeoutPolicy, or the system's own connect time-out. */
function isTryTimeout(error: unknown): boolean {
  return isRestError(error) && error.code === 'ETIMEDOUT';
}

function peerTimeout(peer: Peer, what: string, cause?: unknown): ExportError {
  const { maxTries, tryTimeoutMs } = peer.retry;
  return new ExportError(peer.timeoutCode, `${describePeer(peer)} did not answer in time: ${what} timed out (${maxTries} tries of ${tryTimeoutMs / 1000} s)`, {
    kind: 'retryable',
    cause,
  });
}
