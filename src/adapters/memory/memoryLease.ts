import { ExportError } from '../../errors';
import type { Clock } from '../../ports/clock';
import { FaultInjector, SimulatedCrash } from './faults';
import type { MemoryCheckpointBlob } from './memoryCheckpointBlob';

/**
 * BlobLeaseKeeper's schedule on a Clock: renewed at a third of the lease, and `lost` aborts only when a renewal
 * fails with half the lease gone since the last good one. A crashed process neither renews nor notices.
 */
export class MemoryLeaseKeeper {
  private readonly controller = new AbortController();
  private readonly stopped = new AbortController();
  private renewedAt: number;

  constructor(
    private readonly blob: MemoryCheckpointBlob,
    private readonly clock: Clock,
    private readonly faults: FaultInjector,
    readonly leaseId: string,
    private readonly seconds: number,
  ) {
    this.renewedAt = clock.now().getTime();
    void this.renewals();
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async release(): Promise<void> {
    this.stopped.abort();
    if (this.controller.signal.aborted) return;
    await this.faults
      .run({ port: 'checkpoint', name: 'release' }, undefined, () => this.blob.releaseLease(this.leaseId))
      .catch(() => undefined); // it expires by itself anyway
  }

  private async renewals(): Promise<void> {
    const interval = (this.seconds * 1000) / 3;
    for (;;) {
      try {
        await this.clock.sleep(interval, this.stopped.signal);
      } catch {
        return;
      }
      try {
        await this.faults.run({ port: 'checkpoint', name: 'renew' }, undefined, () => this.blob.renewLease(this.leaseId));
        this.renewedAt = this.clock.now().getTime();
      } catch (error) {
        if (error instanceof SimulatedCrash) return;
        if (this.clock.now().getTime() - this.renewedAt < (this.seconds * 1000) / 2) continue;
        this.controller.abort(
          new ExportError('LeaseLost', 'the checkpoint lease could not be renewed; the run stops so that no second writer overlaps it', {
            kind: 'conflict',
            cause: error,
          }),
        );
        return;
      }
    }
  }
}
