import { systemClock, type Clock } from '../ports/clock';
import type { RunProgress } from '../windows/runOptions';

const EVERY_MS = 5000;

/**
 * For long catch-ups: at most one line every few seconds with the rate, the backlog of event time still to
 * export, and the time budget left.
 */
export function progressPrinter(print: (line: string) => void, clock: Clock = systemClock): (p: RunProgress) => void {
  const now = () => clock.now().getTime();
  const began = now();
  let last = began;
  return (p) => {
    const t = now();
    if (t - last < EVERY_MS) return;
    last = t;
    const rate = Math.round((p.events * 1000) / Math.max(1, t - began));
    const backlog = duration(p.until.getTime() - p.reached.getTime());
    const left = duration(p.budgetMs - p.elapsedMs);
    print(`progress: ${p.events} events (${rate} events/s), ${(p.bytes / 1048576).toFixed(1)} MiB; backlog ${backlog} of event time; ${left} of the time budget left`);
  };
}

export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s >= 3600) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}
