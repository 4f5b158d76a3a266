import { linkedSignal } from '../../src/abort/linkedSignal';

describe('linkedSignal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts with the parent, with the parent reason', () => {
    const parent = new AbortController();
    const linked = linkedSignal(parent.signal);
    expect(linked.signal.aborted).toBe(false);
    parent.abort(new Error('run over'));
    expect(linked.signal.aborted).toBe(true);
    expect((linked.signal.reason as Error).message).toBe('run over');
  });

  it('starts aborted under an aborted parent', () => {
    const parent = new AbortController();
    parent.abort('gone');
    expect(linkedSignal(parent.signal).signal.reason).toBe('gone');
  });

  it('aborts on its own without touching the parent', () => {
    const parent = new AbortController();
    const linked = linkedSignal(parent.signal);
    linked.abort('cancelled');
    expect([linked.signal.aborted, parent.signal.aborted]).toEqual([true, false]);
  });

  it('times out with a TimeoutError, at its time and not before', () => {
    const linked = linkedSignal(new AbortController().signal, { timeoutMs: 10 });
    jest.advanceTimersByTime(9);
    expect(linked.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect((linked.signal.reason as DOMException).name).toBe('TimeoutError');
  });

  it('once disposed, neither the parent nor the timer reaches it, and the parent keeps no listener', () => {
    const parent = new AbortController();
    let listeners = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    const remove = parent.signal.removeEventListener.bind(parent.signal);
    parent.signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    parent.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    const linked = linkedSignal(parent.signal, { timeoutMs: 10 });
    expect(listeners).toBe(1);
    linked.dispose();
    expect(listeners).toBe(0);
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(30);
    parent.abort();
    expect(linked.signal.aborted).toBe(false);
  });
});
