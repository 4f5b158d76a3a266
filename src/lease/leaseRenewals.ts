import { ExportError } from '../errors';
import type { Clock } from '../ports/clock';

interface LeaseRenewalOptions {
  clock: Clock;
  leaseSeconds: number;
  /** Called once, when the lease must be taken as lost; renewals have stopped by then. */
  onLost(error: ExportError): void;
}

/**
 * Keeps a lease renewed until disposed: a renewal every third of the lease, so one that fails still leaves time for
 * another. Gives up (onLost) when a renewal fails with half the lease gone since the last good one: the next try
 * would come too late. A renewal that fails once disposed is no loss: the holder let the lease go.
 */
export function keepRenewed(renew: () => Promise<void>, { clock, leaseSeconds, onLost }: LeaseRenewalOptions): Disposable {
  const now = () => clock.now().getTime();
  let renewedAt = now();
  let renewing = false;
  let stopped = false;
  const tick = async () => {
    if (renewing || stopped) return; // one renewal at a time
    renewing = true;
    try {
      await renew();
      renewedAt = now();
    } catch (error) {
      if (stopped || now() - renewedAt < (leaseSeconds * 1000) / 2) return;
      stop();
      onLost(new ExportError('LeaseLost', 'the checkpoint lease could not be renewed; the run stops so that no second writer overlaps it', { kind: 'conflict', cause: error }));
    } finally {
      renewing = false;
    }
  };
  const timer = clock.every((leaseSeconds * 1000) / 3, () => void tick());
  const stop = () => {
    stopped = true;
    timer[Symbol.dispose]();
  };
  return { [Symbol.dispose]: stop };
}
