// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-04-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 3 * 3600_000);

describe('audit API calls are retried with backoff, honouring Retry-After, and a bad page is never written', () => {
  let h: Harness;
  const api = () => h.stack.auditApi;
  beforeAll(async () => {
    h = await startHarness({ count: 200, start: T0, spanSeconds: 2 * 3600, seed: 31 });
  });
  beforeEach(() => {
    api().resetFaults();
    api().resetStats();
    h.sleeps.length = 0;
  });
  afterAll(() => h?.stop());

  const env = (path: string, extra: Record<string, string> = {}) => ({ ADLS_PATH: path, AUDIT_PAGE_SIZE: '50', ...extra });
  const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: Error & { code?: string }) => e);

  it('429 with Retry-After: waits exactly what the API asked, then succeeds', async () => {
    api().setFaults({ rateLimit: { count: 2, retryAfterSeconds: 3 } });
    expect((await h.run(NOW, env('r429'))).status).toBe('caught-up');
    expect(h.sleeps.slice(0, 2)).toEqual([3000, 3000]);
    expect(api().stats().byStatus['429']).toBe(2);
    expect(allLines(await h.readLake('r429'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('429 with Retry-After: 0 never shortens the backoff: growing, jittered waits as for any transient answer', async () => {
    api().setFaults({ rateLimit: { count: 3, retryAfterSeconds: 0 } });
    expect((await h.run(NOW, env('r429-zero'))).status).toBe('caught-up');
    expect(api().stats().byStatus['429']).toBe(3);
    expect(h.sleeps).toHaveLength(3);
    h.sleeps.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(500 * 2 ** i));
    // Three waits of 0 (every attempt at once) was the fault; full jitter makes all three 0 less than once in 10^9.
    expect(h.sleeps.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(allLines(await h.readLake('r429-zero'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('5xx: retried with growing, jittered waits, up to the attempt limit', async () => {
    api().setFaults({ serverErrors: { count: 3, status: 500 } });
    expect((await h.run(NOW, env('r500'))).status).toBe('caught-up');
    expect(api().stats().byStatus['500']).toBe(3);
    expect(h.sleeps).toHaveLength(3);
    h.sleeps.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(500 * 2 ** i)); // full jitter under the exponential ceiling
    expect(allLines(await h.readLake('r500'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('gives up after AUDIT_MAX_ATTEMPTS and reports the window and offset; what came before is kept', async () => {
    api().setFaults({ serverErrors: { count: 1000, status: 503 } });
    const error = await failure(h.run(NOW, env('give-up', { AUDIT_MAX_ATTEMPTS: '3' })));
    expect(error?.message).toMatch(/the audit API answered HTTP 503 at window 2026-04-01T00:00:00.000Z\.\.2026-04-01T01:00:00.000Z \(minDate 2026-03-31T23:59:59.999Z, offset 0\)/);
    expect(api().stats().requests).toBe(3);
    expect((await h.readLake('give-up')).size).toBe(0);
  });

  it('a slow answer past AUDIT_REQUEST_TIMEOUT_SECONDS is abandoned and retried', async () => {
    api().setFaults({ delayMs: 1500 });
    const error = await failure(h.run(NOW, env('slow', { AUDIT_REQUEST_TIMEOUT_SECONDS: '1', AUDIT_MAX_ATTEMPTS: '2' })));
    expect(error?.message).toMatch(/the audit API at .* did not answer \(window .* \(minDate .*, offset 0\)\)/);
    expect(api().stats().requests).toBe(2);
  });

  it('malformed or truncated pages are retried; a page that stays bad is never half-written', async () => {
    api().setFaults({ malformed: { count: 1 }, truncated: { count: 1 } });
    expect((await h.run(NOW, env('bad-once'))).status).toBe('caught-up');
    expect(allLines(await h.readLake('bad-once'))).toEqual(h.apiEvents().map(expectedLine));

    // A first run exports the first hour and a bit; then every answer is truncated: the next run stops at its first page.
    const first = await h.run(new Date(T0.getTime() + 65 * 60_000 + 300_000), env('bad-page', { AUDIT_MAX_ATTEMPTS: '2', EXPORT_BATCH_MAX_BYTES: '4096' }));
    expect(first.status).toBe('caught-up');
    const before = allLines(await h.readLake('bad-page'));
    api().setFaults({ truncated: { count: 1000 } });
    const error = await failure(h.run(NOW, env('bad-page', { AUDIT_MAX_ATTEMPTS: '2', EXPORT_BATCH_MAX_BYTES: '4096' })));
    expect(error?.message).toMatch(/the audit API returned an invalid page at window 2026-04-01T01:0\d:00.000Z\.\.2026-04-01T02:00:00.000Z \(minDate [^,]+, offset 0\): /);
    expect(allLines(await h.readLake('bad-page'))).toEqual(before);
    api().resetFaults();
    await h.run(NOW, env('bad-page'));
    expect(allLines(await h.readLake('bad-page'))).toEqual(h.apiEvents().map(expectedLine));
  });
});
