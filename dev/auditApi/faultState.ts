// The live fault state: the configured switches, the counts still remaining, and the number of pages
// answered since the faults were set (it seeds unstableTies, picks the answers escapedIds spells with escapes, and
// times the mutate fault). Faults that change what is stored (unreadable, restampIds) live in the stream (onSet).
// Order of application (server.ts): auth, rateLimit, serverErrors, delay, then malformed/truncated/reset.
import { Rng } from '../seededRandom';
import { parseFaults } from './faults';
import { DEFAULT_BOUNDS } from './query';
import { hash32 } from './random';
import type { PageShape } from './stream';
import type { AuditFaults, DateBound } from './types';
import type { Lateness } from './visibility';

const SALT_ERRORS = 0x5e77;

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
  private pages = 0;
  private mutated = false;

  /** onSet runs whenever the faults are replaced (the stream undoes an earlier mutation and takes what is stored). */
  constructor(private readonly key: number, private readonly onSet: (faults: AuditFaults) => void = () => {}) {
    this.rng = new Rng(hash32(key, 0, SALT_ERRORS));
  }

  /** Replaces all faults; the seeded sequences restart so runs repeat exactly. */
  set(faults: AuditFaults): void {
    this.faults = parseFaults(faults);
    this.rng = new Rng(hash32(this.key, 0, SALT_ERRORS));
    this.pages = 0;
    this.mutated = false;
    this.onSet(this.faults);
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
        hit = this.rng.fraction() < serverErrors.rate;
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

  /** Counts a page about to be answered; returns its number, from 1. */
  nextPage(): number {
    return ++this.pages;
  }

  bounds(): { minDate: DateBound; maxDate: DateBound } {
    return this.faults.bounds ?? DEFAULT_BOUNDS;
  }

  /** The size a page gets: what was asked, capped by pageCap. */
  pageSize(asked: number): number {
    return Math.min(asked, this.faults.pageCap ?? asked);
  }

  shape(page: number): PageShape {
    const { duplicates, unstableTies, escapedIds, sortWithinPagesOnly } = this.faults;
    return {
      duplicatesEvery: duplicates?.every,
      tieRequest: unstableTies ? page : undefined,
      escapeIds: escapedIds !== undefined && page % escapedIds.every === 0,
      shardedPages: sortWithinPagesOnly === true,
    };
  }

  /** The `count` an answer carries for a range that holds `count`: none with noCount, else as countOffset and countCap say. */
  reportedCount(count: number): number | undefined {
    const { noCount, countOffset, countCap } = this.faults;
    if (noCount) return undefined;
    const shifted = countOffset ? Math.max(0, count + countOffset.by) : count;
    return countCap ? Math.min(shifted, countCap.max) : shifted;
  }

  /** The mutate fault's numbers, once: after the page it names. */
  mutationAfter(page: number): { insert: number; remove: number } | undefined {
    const m = this.faults.mutate;
    if (!m || this.mutated || page !== (m.afterRequests ?? 1)) return undefined;
    this.mutated = true;
    return { insert: m.insert ?? 0, remove: m.remove ?? 0 };
  }

  lateness(): Lateness | undefined {
    const late = this.faults.late;
    return late && late.fraction > 0 ? { fraction: late.fraction, delayMs: Math.round(late.delaySeconds * 1000) } : undefined;
  }
}
