export interface Clock {
  now(): Date;
  /** Waits `ms`, or rejects as soon as the signal aborts. */
  sleep(ms: number, abortSignal: AbortSignal): Promise<void>;
  /** Calls `tick` every `ms` until disposed: a chore in the background, which never keeps the process alive by itself. */
  every(ms: number, tick: () => void): Disposable;
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
  every: (ms, tick) => {
    const timer = setInterval(tick, ms).unref();
    return { [Symbol.dispose]: () => clearInterval(timer) };
  },
};
