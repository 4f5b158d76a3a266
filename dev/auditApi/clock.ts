// The server's notion of "now", which decides which events are visible. Real time unless pinned by tests.
export class Clock {
  private pinned: number | null = null;

  now(): number {
    return this.pinned ?? Date.now();
  }

  pinnedAt(): Date | null {
    return this.pinned === null ? null : new Date(this.pinned);
  }

  set(now: Date | null): void {
    if (now !== null && (!(now instanceof Date) || Number.isNaN(now.getTime()))) throw new Error('now must be a valid Date or null');
    this.pinned = now === null ? null : now.getTime();
  }
}
