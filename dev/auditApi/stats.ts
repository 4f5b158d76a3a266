// Counters for /audit traffic (admin routes are not counted, so polling them does not disturb tests).
import type { AuditStats } from './types';

export class Stats {
  private s: AuditStats = { requests: 0, served: 0, byStatus: {} };

  request(): void {
    this.s.requests++;
  }

  answered(status: number, eventsServed = 0): void {
    this.s.byStatus[status] = (this.s.byStatus[status] ?? 0) + 1;
    this.s.served += eventsServed;
  }

  snapshot(): AuditStats {
    return { requests: this.s.requests, served: this.s.served, byStatus: { ...this.s.byStatus } };
  }

  reset(): void {
    this.s = { requests: 0, served: 0, byStatus: {} };
  }
}
