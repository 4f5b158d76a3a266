export interface Clock {
  now(): Date;
  /** Waits `ms`, or rejects as soon as the signal aborts. */
  sleep(ms: number, abortSignal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, abortSignal) =>
    new Promise((resolve, reject) => {
      if (abortSignal.aborted) return reject(abortSignal.reason);
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortSignal.reason);
      };
      const timer = setTimeout(() => {
        abortSignal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      abortSignal.addEventListener('abort', onAbort, { once: true });
    }),
};
