import { withinLink } from '../../src/connection/withinLink';

/** What test-connection relies on when an SDK does not honour its abort signal. */
describe('withinLink', () => {
  const never = () => new Promise<never>(() => undefined);

  it('answers at the time-out even when the check ignores its signal, naming what did not answer', async () => {
    let seen: AbortSignal | undefined;
    const check = (signal: AbortSignal) => ((seen = signal), never());
    await expect(withinLink('Key Vault https://v (KEY_VAULT_URL)', 50, new AbortController().signal, check)).rejects.toMatchObject({
      code: 'LinkTimedOut',
      message: 'timed out: Key Vault https://v (KEY_VAULT_URL) did not answer within 0.05 s',
    });
    expect(seen?.aborted).toBe(true);
  });

  it("reports the time-out, not the check's own \"aborted\" that the time-out caused", async () => {
    const check = (signal: AbortSignal) => new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    await expect(withinLink('the lake', 20, new AbortController().signal, check)).rejects.toMatchObject({ code: 'LinkTimedOut' });
  });

  it("passes the check's result and its own failures through, and the caller's abort as the caller's", async () => {
    const parent = new AbortController();
    expect(await withinLink('x', 10_000, parent.signal, async () => 'ok')).toBe('ok');
    await expect(withinLink('x', 10_000, parent.signal, async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    const pending = withinLink('x', 10_000, parent.signal, never);
    parent.abort(new Error('interrupted'));
    await expect(pending).rejects.toThrow('interrupted');
  });
});
