// The unstableTies fault: a server that sorts by time only returns the events of one instant in some
// order that changes from request to request. Modelled as an affine permutation k → (a·k + b) mod n of
// each tie group's positions, seeded by (seed, request number, instant): O(1) per position, nothing stored.
import { Rng } from '../seededRandom';
import { hash32 } from './random';

const SALT_TIES = 0x7135;
const SALT_SHIFT = 0x7136;
const MAX_MULTIPLIER = 1 << 20; // a·k < 2^52 for any k < 2^32: exact in a double
const TRIES = 16;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b]; // Euclid: O(log) steps
  return a;
}

/** Position k (0 ≤ k < n) of a tie group → the position in stable order served there. */
export function tiePermutation(key: number, request: number, instantMs: number, n: number): (k: number) => number {
  if (n < 2) return (k) => k;
  const rng = new Rng(hash32(hash32(key, request >>> 0, SALT_TIES), instantMs >>> 0, SALT_TIES));
  let a = 1;
  for (let t = 0; t < TRIES; t++) {
    const c = 1 + rng.int(Math.min(n, MAX_MULTIPLIER) - 1);
    if (gcd(c, n) === 1) {
      a = c;
      break;
    }
  }
  // b moves by one per request, so consecutive requests never serve a group in the same order.
  const b = (hash32(key, instantMs >>> 0, SALT_SHIFT) + request) % n;
  return (k) => (a * k + b) % n;
}
