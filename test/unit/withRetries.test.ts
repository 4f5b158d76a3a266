import { ManualClock } from '../../src/adapters/memory/manualClock';
import { ExportError } from '../../src/errors';
import { withRetries } from '../../src/retry/withRetries';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };
const throttled = (seconds: number) => new ExportError('AuditApiError', 'the audit API answered HTTP 429', { kind: 'retryable', retryAfterSeconds: seconds });

describe('withRetries and the time left', () => {
  it('waits exactly what Retry-After asks when it fits before the deadline, then succeeds', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const done = withRetries('audit API request', async () => (++calls === 1 ? Promise.reject(throttled(45)) : 'page'), {
      clock, logger: quiet, policy, abortSignal: new AbortController().signal, deadline: clock.now().getTime() + 60_000,
    });
    // Not a millisecond sooner than asked.
    while (clock.sleeping === 0) await new Promise((r) => setImmediate(r));
    await clock.advance(44_999);
    expect(calls).toBe(1);
    await clock.advance(1);
    await expect(done).resolves.toBe('page');
    expect(calls).toBe(2);
  });

  it('a wait that does not fit ends the work with WaitBeyondDeadline, saying how long was asked and how long was left', async () => {
    const clock = new ManualClock();
    let calls = 0;
    const error = await withRetries('audit API request', async () => (calls++, Promise.reject(throttled(120))), {
      clock, logger: quiet, policy, abortSignal: new AbortController().signal, deadline: clock.now().getTime() + 90_000,
    }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toMatchObject({ code: 'WaitBeyondDeadline', kind: 'retryable' });
    expect((error as Error).message).toMatch(/asked to wait 120 s before trying again, more than the 90 s left of this run: the run stops here and the next one goes on/);
  });

  it('Retry-After: 0 waits the backoff all the same, on fake time: no attempt comes sooner', async () => {
    const clock = new ManualClock();
    const at: number[] = [];
    const start = clock.now().getTime();
    const done = withRetries('audit API request', async () => (at.push(clock.now().getTime() - start), Promise.reject(throttled(0))), {
      clock, logger: quiet, policy, abortSignal: new AbortController().signal, random: () => 1,
    }).catch((e: unknown) => e);
    for (const wait of [100, 200, 400, 800]) {
      while (clock.sleeping === 0) await new Promise((r) => setImmediate(r));
      await clock.advance(wait - 1);
      expect(clock.sleeping).toBe(1); // not a millisecond sooner
      await clock.advance(1);
    }
    expect(await done).toMatchObject({ code: 'AuditApiError' });
    expect(at).toEqual([0, 100, 300, 700, 1500]);
  });

  it('a backoff that does not fit says it is the next try, not a wait the peer asked for', async () => {
    const clock = new ManualClock();
    const error = await withRetries('audit API request', async () => Promise.reject(throttled(0)), {
      clock, logger: quiet, policy: { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 30_000 }, abortSignal: new AbortController().signal, random: () => 1, deadline: clock.now().getTime() + 10_000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'WaitBeyondDeadline' });
    expect((error as Error).message).toMatch(/failed and its next try is due in 30 s, more than the 10 s left of this run/);
  });
});
