// What the mutate fault did to the stored events: inserted events (held in memory, few) and removed ones
// (generated indices, or ids of caller-supplied events). The stream reads these on every page.
import { isoString } from './isoTime';
import type { ExtraEvent } from './extraEvent';
import type { AuditMutations } from './types';

export class StoreChanges {
  /** Sorted by (eventMs, id), like the timeline's extras. */
  inserted: ExtraEvent[] = [];
  /** Sorted generated indices that are gone. */
  removedGenerated: number[] = [];
  /** Ids of removed caller-supplied events. */
  removedExtraIds = new Set<string>();
  private removedIds: string[] = [];
  private range: { minMs: number; maxMs: number } | null = null;

  get applied(): boolean {
    return this.range !== null;
  }

  record(range: { minMs: number; maxMs: number }, inserted: ExtraEvent[], removed: { generated: number[]; extraIds: string[]; ids: string[] }): void {
    this.range = range;
    this.inserted = inserted;
    this.removedGenerated = [...removed.generated].sort((a, b) => a - b);
    this.removedExtraIds = new Set(removed.extraIds);
    this.removedIds = removed.ids;
  }

  /** Back to the events as generated (faults were replaced). */
  clear(): void {
    this.inserted = [];
    this.removedGenerated = [];
    this.removedExtraIds = new Set();
    this.removedIds = [];
    this.range = null;
  }

  /** Stored events now minus stored events as generated. */
  get delta(): number {
    return this.inserted.length - this.removedIds.length;
  }

  snapshot(): AuditMutations {
    const r = this.range;
    return {
      applied: r !== null,
      range: r && { minDate: isoString(r.minMs), maxDate: isoString(r.maxMs) },
      inserted: this.inserted.map((e) => e.json),
      removed: [...this.removedIds],
    };
  }
}
