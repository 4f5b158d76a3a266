import { ExportError } from '../errors';

/** What signals come from: the process, or a stand-in in tests. */
interface SignalSource {
  once(signal: NodeJS.Signals, listener: () => void): unknown;
  off(signal: NodeJS.Signals, listener: () => void): unknown;
}

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * Runs `work` with a signal that SIGINT or SIGTERM aborts with ExportError `Interrupted`, so a run stopped that way
 * records a failure code like any other.
 */
export async function untilInterrupted<T>(work: (abortSignal: AbortSignal) => Promise<T>, signals: SignalSource = process): Promise<T> {
  const controller = new AbortController();
  const onSignal = () => controller.abort(new ExportError('Interrupted', 'interrupted', { kind: 'permanent' }));
  for (const signal of SIGNALS) signals.once(signal, onSignal);
  try {
    return await work(controller.signal);
  } finally {
    for (const signal of SIGNALS) signals.off(signal, onSignal);
  }
}
