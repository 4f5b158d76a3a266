import { EventEmitter } from 'node:events';
import { untilInterrupted } from '../../src/cli/untilInterrupted';
import { systemClock } from '../../src/ports/clock';

describe('untilInterrupted', () => {
  it.each(['SIGINT', 'SIGTERM'])('%s aborts the work with ExportError Interrupted (permanent), which a run records as its failure code', async (signal) => {
    const signals = new EventEmitter();
    // Waits an hour unless aborted: it ends with the signal's reason, as the run's waits do.
    const work = untilInterrupted((abortSignal) => systemClock.sleep(3_600_000, abortSignal), signals);
    signals.emit(signal);
    await expect(work).rejects.toMatchObject({ name: 'ExportError', code: 'Interrupted', kind: 'permanent', message: 'interrupted' });
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('lets the signals go once the work is done', async () => {
    const signals = new EventEmitter();
    await expect(untilInterrupted(async () => 7, signals)).resolves.toBe(7);
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });
});
