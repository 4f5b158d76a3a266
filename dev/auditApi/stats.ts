// Counters for non-admin traffic (admin routes are not counted, so polling them does not disturb tests).
import type { AuditStats } from './types';

export class Stats {
  private s: AuditStats;

  /** countTokens: immuta-token auth, where token exchanges are counted too. */
  constructor(private readonly countTokens = false) {
    this.s = this.empty();
  }

  request(): void {
    this.s.requests++;
  }

  answered(status: number, eventsServed = 0): void {
    this.s.byStatus[status] = (this.s.byStatus[status] ?? 0) + 1;
    this.s.served += eventsServed;
  }

  tokenIssued(): void {
    if (this.s.tokenExchanges !== undefined) this.s.tokenExchanges++;
  }

  snapshot(): AuditStats {
    return { ...this.s, byStatus: { ...this.s.byStatus } };
  }

  reset(): void {
    this.s = this.empty();
  }

  private empty(): AuditStats {
    return this.countTokens ? { requests: 0, served: 0, byStatus: {}, tokenExchanges: 0 } : { requests: 0, served: 0, byStatus: {} };
  }
}
