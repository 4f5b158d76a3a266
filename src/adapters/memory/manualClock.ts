import type { Clock } from '../../ports/clock';

interface Sleeper {
  at: number;
  resolve: () => void;
}

/** A Clock that moves only when a test says so: sleeps end when advance() passes their time, never by waiting. */
export class ManualClock implements Clock {
  private t: number;
  private sleepers: Sleeper[] = [];

  constructor(start: Date = new Date('2026-01-01T00:00:00.000Z')) {
    this.t = start.getTime();
  }

  now(): Date {
    return new Date(this.t);
  }

  sleep(ms: number, abortSignal: AbortSignal): Promise<void> {
    if (abortSignal.aborted) return Promise.reject(abortSignal.reason);
    if (ms <= 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = {
        at: this.t + ms,
        resolve: () => {
          abortSignal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.sleepers = this.sleepers.filter((s) => s !== sleeper);
        reject(abortSignal.reason);
      };
      abortSignal.addEventListener('abort', onAbort, { once: true });
      this.sleepers.push(sleeper);
    });
  }

  every(ms: number, tick: () => void): Disposable {
    const stop = new AbortController();
    const loop = async () => {
      for (;;) {
        await this.sleep(ms, stop.signal);
        tick();
      }
    };
    loop().catch(() => undefined); // ends when disposed
    return { [Symbol.dispose]: () => stop.abort() };
  }

  /** Sleeps in progress (an `every` counts as one). */
  get sleeping(): number {
    return this.sleepers.length;
  }

  /**
   * Moves time on by `ms`. Each sleeper whose time comes is woken at its own time, earliest first, and what it
   * does next (including sleeping again) runs before time moves further.
   */
  async advance(ms: number): Promise<void> {
    const target = this.t + ms;
    for (;;) {
      const next = this.sleepers.reduce<Sleeper | undefined>((a, s) => (s.at <= target && (!a || s.at < a.at) ? s : a), undefined);
      if (!next) break;
      this.t = next.at;
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
      await settle();
    }
    this.t = target;
    await settle();
  }
}

/** Lets every promise continuation that is ready run (a macrotask turn drains the microtask queue). */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
