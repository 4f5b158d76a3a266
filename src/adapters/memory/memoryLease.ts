import type { Clock } from '../../ports/clock';
import { keepRenewed } from '../../lease/leaseRenewals';
import { FaultInjector, SimulatedCrash } from './faults';
import type { MemoryCheckpointBlob } from './memoryCheckpointBlob';

/** BlobLeaseKeeper on a memory blob: renewed as keepRenewed says. A crashed process neither renews nor notices. */
export class MemoryLeaseKeeper {
  private readonly controller = new AbortController();
  private readonly renewals: Disposable;

  constructor(
    private readonly blob: MemoryCheckpointBlob,
    clock: Clock,
    private readonly faults: FaultInjector,
    readonly leaseId: string,
    seconds: number,
  ) {
    const renew = () =>
      this.faults.run({ port: 'checkpoint', name: 'renew' }, undefined, () => this.blob.renewLease(this.leaseId)).catch((error: unknown) => {
        if (error instanceof SimulatedCrash) this.renewals[Symbol.dispose]();
        throw error;
      });
    this.renewals = keepRenewed(renew, { clock, leaseSeconds: seconds, onLost: (error) => this.controller.abort(error) });
  }

  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async release(): Promise<void> {
    this.renewals[Symbol.dispose]();
    if (this.controller.signal.aborted) return;
    await this.faults
      .run({ port: 'checkpoint', name: 'release' }, undefined, () => this.blob.releaseLease(this.leaseId))
      .catch(() => undefined); // it expires by itself anyway
  }
}
