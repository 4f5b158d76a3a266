// Small helpers over sorted arrays; every loop is bounded by the arrays' lengths.

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
