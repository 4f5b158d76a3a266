import { linkedSignal } from '../abort/linkedSignal';
import { ExportError } from '../errors';

/**
 * Runs one link's check in a time of its own, so a link that hangs fails alone and the next starts afresh. The
 * check's signal aborts at the time-out, and the link answers then even if what it waits on ignores the signal.
 * `peer` names what did not answer, e.g. "Key Vault https://… (KEY_VAULT_URL)".
 */
export async function withinLink<T>(peer: string, timeoutMs: number, parent: AbortSignal, check: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const linked = linkedSignal(parent, { timeoutMs });
  let onAbort = () => undefined as void;
  // Listening before the check starts: at the time-out this rejects first, ahead of the check's own "aborted".
  const stopped = new Promise<never>((_, reject) => {
    onAbort = () => reject(parent.aborted ? parent.reason : new ExportError('LinkTimedOut', `timed out: ${peer} did not answer within ${timeoutMs / 1000} s`, { kind: 'retryable' }));
    if (linked.signal.aborted) onAbort();
    else linked.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([stopped, check(linked.signal)]);
  } finally {
    linked.signal.removeEventListener('abort', onAbort);
    linked.dispose();
  }
}
