import type { BlobLeaseClient } from '@azure/storage-blob';
import { ExportError } from '../../errors';
import { keepRenewed } from '../../lease/leaseRenewals';
import type { Clock } from '../../ports/clock';
import type { StateContainer } from './hostStorage';
import { restErrorInfo } from './storageErrors';

/**
 * Holds a blob lease for as long as a run works, renewed on `clock` (see keepRenewed). If renewal fails the lease
 * may pass to another run: `lost` aborts.
 */
export class BlobLeaseKeeper {
  private readonly controller = new AbortController();
  private renewals: Disposable | undefined;

  constructor(private readonly client: BlobLeaseClient, private readonly seconds: number, private readonly state: StateContainer, private readonly clock: Clock) {
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
    // A renewal is held to a quarter of the lease by the wall clock: the service times the lease by it.
    const renew = () => this.client.renewLease({ abortSignal: AbortSignal.timeout((this.seconds * 1000) / 4) }).then(() => undefined);
    this.renewals = keepRenewed(renew, { clock: this.clock, leaseSeconds: this.seconds, onLost: (error) => this.controller.abort(error) });
  }

  async release(): Promise<void> {
    this.renewals?.[Symbol.dispose]();
    if (this.controller.signal.aborted) return;
    // Bounded like any call; if it fails the lease expires by itself anyway.
    const signal = new AbortController().signal;
    await this.state.call('release the checkpoint lease', signal, (s) => this.client.releaseLease({ abortSignal: s })).catch(() => undefined);
  }
}
