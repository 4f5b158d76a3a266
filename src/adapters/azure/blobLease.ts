import type { BlobLeaseClient } from '@azure/storage-blob';
import { ExportError } from '../../errors';
import type { StateContainer } from './hostStorage';
import { restErrorInfo } from './storageErrors';

/**
 * Holds a blob lease for as long as a run works: renewed at a third of its length, so one missed renewal
 * still leaves time for another. If renewal fails the lease may pass to another run: `lost` aborts.
 */
export class BlobLeaseKeeper {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private renewedAt = 0;

  constructor(private readonly client: BlobLeaseClient, private readonly seconds: number, private readonly state: StateContainer) {
    if (seconds < 15 || seconds > 60) throw new RangeError('a blob lease lasts 15 to 60 seconds');
  }

  get leaseId(): string {
    return this.client.leaseId;
  }
  get lost(): AbortSignal {
    return this.controller.signal;
  }

  async acquire(abortSignal: AbortSignal): Promise<void> {
    const what = 'acquire the checkpoint lease';
    try {
      await this.state.call(what, abortSignal, (signal) => this.client.acquireLease(this.seconds, { abortSignal: signal }));
    } catch (error) {
      const { status, code } = restErrorInfo(error);
      if (status === 409 || code === 'LeaseAlreadyPresent') {
        throw new ExportError('AnotherRunActive', 'another export run holds the lease on this export configuration; this run changes nothing', {
          kind: 'conflict',
        });
      }
      throw this.state.error(error, what);
    }
    this.renewedAt = Date.now();
    this.timer = setInterval(() => void this.renew(), (this.seconds * 1000) / 3);
    this.timer.unref();
  }

  async release(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (this.controller.signal.aborted) return;
    // Bounded like any call; if it fails the lease expires by itself anyway.
    const signal = new AbortController().signal;
    await this.state.call('release the checkpoint lease', signal, (s) => this.client.releaseLease({ abortSignal: s })).catch(() => undefined);
  }

  private async renew(): Promise<void> {
    try {
      await this.client.renewLease({ abortSignal: AbortSignal.timeout((this.seconds * 1000) / 4) });
      this.renewedAt = Date.now();
    } catch (error) {
      // One failed renewal leaves a third of the lease; give up only when the next try would come too late.
      if (Date.now() - this.renewedAt < (this.seconds * 1000) / 2) return;
      clearInterval(this.timer);
      this.controller.abort(new ExportError('LeaseLost', 'the checkpoint lease could not be renewed; the run stops so that no second writer overlaps it', { kind: 'conflict', cause: error }));
    }
  }
}
