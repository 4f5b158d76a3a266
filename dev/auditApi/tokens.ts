// Tokens issued by POST /bim/apikey/authenticate (immuta-token auth). Kept by SHA-256 digest, so a
// lookup's timing says nothing about a real token; they expire on the server's clock.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from './clock';

/** Bounds memory against a client that exchanges in a loop: the oldest token goes first. */
const MAX_TOKENS = 10_000;

export type TokenCheck = 'valid' | 'expired' | 'unknown';

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class TokenStore {
  /** digest → expiry (ms on the server clock); insertion order is issue order. */
  private readonly expiries = new Map<string, number>();

  constructor(private readonly clock: Clock, private readonly ttlMs: number) {}

  issue(): string {
    const now = this.clock.now();
    if (this.expiries.size >= MAX_TOKENS) {
      for (const [key, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(key);
      if (this.expiries.size >= MAX_TOKENS) this.expiries.delete(this.expiries.keys().next().value!);
    }
    const token = randomBytes(32).toString('base64url');
    this.expiries.set(digest(token), now + this.ttlMs);
    return token;
  }

  check(token: string): TokenCheck {
    const expiry = this.expiries.get(digest(token));
    if (expiry === undefined) return 'unknown';
    return this.clock.now() < expiry ? 'valid' : 'expired';
  }

  /** Every token expires now, whatever the clock does next; returns how many were still valid. */
  expireAll(): number {
    const now = this.clock.now();
    let valid = 0;
    for (const [key, expiry] of this.expiries) {
      if (now < expiry) valid++;
      this.expiries.set(key, -Infinity);
    }
    return valid;
  }
}
