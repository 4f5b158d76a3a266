// Small helpers over sorted arrays; every loop is bounded by the arrays' lengths.

/** What extras are ordered by; structural, so this file does not import the timeline that imports it. */
interface Ordered {
  readonly eventMs: number;
  readonly id: string;
}

/** The first k with sorted[k] ≥ x. */
export function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Union of two sorted arrays of distinct numbers, sorted, without repeats. */
export function mergeUnique(a: readonly number[], b: readonly number[]): number[] {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && a[i] <= b[j]) ? a[i++] : b[j++];
    if (out.length === 0 || out[out.length - 1] !== next) out.push(next);
  }
  return out;
}

/** (eventMs, id) order, the order extras are served in. */
export function extraOrder(a: Ordered, b: Ordered): number {
  return a.eventMs - b.eventMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Two lists already in extraOrder, merged. */
export function mergeExtras<T extends Ordered>(a: readonly T[], b: readonly T[]): T[] {
  const out: T[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && extraOrder(a[i], b[j]) <= 0) ? a[i++] : b[j++]);
  return out;
}

/** The first of `extras` (sorted by eventMs) whose eventMs is ≥ ms; their length if none. */
export function firstAtOrAfterMs(extras: readonly { eventMs: number }[], ms: number): number {
  let lo = 0;
  let hi = extras.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (extras[mid]!.eventMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
