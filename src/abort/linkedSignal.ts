/** A signal of our own, tied to a longer-lived one; dispose() unties it once the work it guards is over. */
export interface LinkedSignal {
  signal: AbortSignal;
  abort(reason?: unknown): void;
  dispose(): void;
}

/**
 * Aborts when `parent` does, on abort(), or after `timeoutMs`. Used per page and per request instead of
 * AbortSignal.any/timeout: on Node 20 every signal AbortSignal.any makes stays reachable from its source
 * (about 2 KB each) for as long as the source lives, so a long run would grow with its backlog.
 */
export function linkedSignal(parent: AbortSignal, options: { timeoutMs?: number } = {}): LinkedSignal {
  const controller = new AbortController();
  const onParent = () => controller.abort(parent.reason);
  let timer: NodeJS.Timeout | undefined;
  const dispose = () => {
    parent.removeEventListener('abort', onParent);
    if (timer !== undefined) clearTimeout(timer);
  };
  if (parent.aborted) controller.abort(parent.reason);
  else {
    parent.addEventListener('abort', onParent, { once: true });
    if (options.timeoutMs !== undefined) {
      timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), options.timeoutMs);
      timer.unref();
    }
  }
  return {
    signal: controller.signal,
    abort: (reason?: unknown) => {
      controller.abort(reason);
      dispose();
    },
    dispose,
  };
}
