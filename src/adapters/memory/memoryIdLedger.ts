import { ledgerSegmentMissing, type IdLedger } from '../../ports/idLedger';
import { FaultInjector } from './faults';

/** The id ledger in memory, with the in-memory checkpoint store's fault hooks (its operations count as checkpoint's). */
export class MemoryIdLedger implements IdLedger {
  readonly faults: FaultInjector;
  constructor(options: { faults?: FaultInjector } = {}, readonly segments = new Map<string, Buffer>()) {
    this.faults = options.faults ?? new FaultInjector();
  }

  /** Another client over the same segments, with faults of its own: a second process. */
  connect(options: { faults?: FaultInjector } = {}): MemoryIdLedger {
    return new MemoryIdLedger(options, this.segments);
  }

  put(hour: string, segment: string, digests: Buffer, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    return this.faults.run({ port: 'checkpoint', name: 'save', path: `${hour}/${segment}` }, abortSignal, () => void this.segments.set(`${hour}/${segment}`, Buffer.from(digests)));
  }

  read(hour: string, names: string[], { abortSignal }: { abortSignal: AbortSignal }): Promise<Buffer[]> {
    return this.faults.run({ port: 'checkpoint', name: 'load', path: hour }, abortSignal, () =>
      names.map((name) => {
        const found = this.segments.get(`${hour}/${name}`);
        if (!found) throw ledgerSegmentMissing(hour, name, `memory:ledgers/${hour}/${name}.bin`);
        return Buffer.from(found);
      }),
    );
  }

  pruneBefore(hour: string, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    return this.faults.run({ port: 'checkpoint', name: 'save', path: 'prune' }, abortSignal, () => {
      for (const key of [...this.segments.keys()]) if (key.split('/')[0]! < hour) this.segments.delete(key);
    });
  }
}
