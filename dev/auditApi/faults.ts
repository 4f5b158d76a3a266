// Fault switches: validated configuration plus the counters that say which of the next answers misbehave.
// Order of application (server.ts): auth, rateLimit, serverErrors, delay, then malformed/truncated/reset.
import { Rng, hash32 } from './random';
import type { AuditFaults } from './types';
import type { Lateness } from './visibility';

const SALT_ERRORS = 0x5e77;

export class InvalidFaults extends Error {}

type Obj = Record<string, unknown>;

function object(value: unknown, path: string, allowed: string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidFaults(`${path} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new InvalidFaults(`${path}.${key} is not a known setting; known: ${allowed.join(', ')}`);
  }
  return value as Obj;
}

function num(o: Obj, key: string, path: string, opts: { min: number; max?: number; integer?: boolean; optional?: boolean }): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= opts.min && (opts.max === undefined || v <= opts.max) && (!opts.integer || Number.isInteger(v));
  if (!ok) {
    const range = opts.max === undefined ? `≥ ${opts.min}` : `from ${opts.min} to ${opts.max}`;
    throw new InvalidFaults(`${path}.${key} must be ${opts.integer ? 'an integer' : 'a number'} ${range}`);
  }
  return v as number;
}

const count = { min: 0, integer: true };

/** Validates faults from JSON (PUT /_admin/faults) or code; returns a clean copy. */
export function parseFaults(value: unknown): AuditFaults {
  const f = object(value, 'faults', ['rateLimit', 'serverErrors', 'delayMs', 'malformed', 'truncated', 'reset', 'late']);
  const out: AuditFaults = {};
  if (f.rateLimit !== undefined) {
    const o = object(f.rateLimit, 'rateLimit', ['count', 'retryAfterSeconds']);
    out.rateLimit = { count: num(o, 'count', 'rateLimit', count)!, retryAfterSeconds: num(o, 'retryAfterSeconds', 'rateLimit', count)! };
  }
  if (f.serverErrors !== undefined) {
    const o = object(f.serverErrors, 'serverErrors', ['count', 'rate', 'status']);
    const e: NonNullable<AuditFaults['serverErrors']> = {};
    const c = num(o, 'count', 'serverErrors', { ...count, optional: true });
    const rate = num(o, 'rate', 'serverErrors', { min: 0, max: 1, optional: true });
    const status = num(o, 'status', 'serverErrors', { min: 500, max: 599, integer: true, optional: true });
    if (c !== undefined) e.count = c;
    if (rate !== undefined) e.rate = rate;
    if (status !== undefined) e.status = status;
    out.serverErrors = e;
  }
  if (f.delayMs !== undefined) out.delayMs = num(f, 'delayMs', 'faults', { min: 0, max: 600_000 });
  for (const name of ['malformed', 'truncated', 'reset'] as const) {
    if (f[name] !== undefined) out[name] = { count: num(object(f[name], name, ['count']), 'count', name, count)! };
  }
  if (f.late !== undefined) {
    const o = object(f.late, 'late', ['fraction', 'delaySeconds']);
    out.late = { fraction: num(o, 'fraction', 'late', { min: 0, max: 1 })!, delaySeconds: num(o, 'delaySeconds', 'late', { min: 0, max: 365 * 86400 })! };
  }
  return out;
}

export interface Rejection {
  status: number;
  headers: Record<string, string>;
  error: string;
  message: string;
}

export type BodyFault = 'malformed' | 'truncated' | 'reset';

/** The live state: the configured faults with their remaining counts. */
export class FaultState {
  private faults: AuditFaults = {};
  private rng: Rng;

  constructor(private readonly key: number) {
    this.rng = new Rng(hash32(key, 0, SALT_ERRORS));
  }

  /** Replaces all faults; the seeded error sequence restarts so runs repeat exactly. */
  set(faults: AuditFaults): void {
    this.faults = parseFaults(faults);
    this.rng = new Rng(hash32(this.key, 0, SALT_ERRORS));
  }

  reset(): void {
    this.set({});
  }

  /** Current settings with the counts still remaining. */
  current(): AuditFaults {
    return structuredClone(this.faults);
  }

  /** rateLimit, then serverErrors: consumes one count of whichever applies. */
  reject(): Rejection | undefined {
    const { rateLimit, serverErrors } = this.faults;
    if (rateLimit && rateLimit.count > 0) {
      rateLimit.count--;
      return {
        status: 429,
        headers: { 'retry-after': String(rateLimit.retryAfterSeconds) },
        error: 'Too Many Requests',
        message: `rate limit exceeded; retry after ${rateLimit.retryAfterSeconds} s`,
      };
    }
    if (serverErrors) {
      let hit = false;
      if (serverErrors.count !== undefined && serverErrors.count > 0) {
        serverErrors.count--;
        hit = true;
      } else if (serverErrors.rate !== undefined && serverErrors.rate > 0) {
        hit = this.rng.next() / 4294967296 < serverErrors.rate;
      }
      if (hit) {
        const status = serverErrors.status ?? 503;
        return {
          status,
          headers: status === 503 ? { 'retry-after': '1' } : {},
          error: status === 503 ? 'Service Unavailable' : 'Server Error',
          message: 'injected server error',
        };
      }
    }
    return undefined;
  }

  delayMs(): number {
    return this.faults.delayMs ?? 0;
  }

  /** For a 200 answer: the first body fault with count left, consumed. */
  bodyFault(): BodyFault | undefined {
    for (const name of ['malformed', 'truncated', 'reset'] as const) {
      const f = this.faults[name];
      if (f && f.count > 0) {
        f.count--;
        return name;
      }
    }
    return undefined;
  }

  lateness(): Lateness | undefined {
    const late = this.faults.late;
    return late && late.fraction > 0 ? { fraction: late.fraction, delayMs: Math.round(late.delaySeconds * 1000) } : undefined;
  }
}
