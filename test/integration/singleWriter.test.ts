// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { exporterEnv } from '../../dev/exporterEnv';
import { startFaultProxy, viaProxy, type FaultProxy } from '../../dev/faultProxy';
import { startCli, summaryOf } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const cli = (env: NodeJS.ProcessEnv) => startCli(['run'], env);

const START = new Date(Date.now() - 4 * 3600_000);

describe('a single writer per export configuration', () => {
  let h: Harness;
  let lake: FaultProxy;
  let env: (path: string, extra?: Record<string, string>) => NodeJS.ProcessEnv;
  beforeAll(async () => {
    h = await startHarness({ count: 400, start: START, spanSeconds: 3 * 3600, seed: 17 });
    lake = await startFaultProxy({ target: new URL(h.stack.info.dfsEndpoint).origin });
    env = (path, extra = {}) => ({ ...process.env, ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: path, AUDIT_PAGE_SIZE: '20', ...extra }) });
  });
  afterAll(async () => {
    await lake?.stop();
    await h?.stop();
  });

  it('two runs started together: one exports, the other says another run is active and exits cleanly', async () => {
    // Only the lease holder writes to the lake: its first file create is held there until the other run is done.
    lake.setRules([{ method: 'PUT', query: { resource: 'file' }, fault: 'delay', delayMs: 600_000, count: 1 }]);
    const e = env('together', { ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, lake) });
    const [a, b] = [cli(e).done, cli(e).done];
    try {
      const loser = await Promise.race([a, b]);
      expect(loser.code).toBe(0);
      expect(summaryOf(loser.stdout).status).toBe('skipped');
      expect(loser.stdout).toMatch(/another export run is active; this run exits without changing anything/);
      expect(lake.stats().byRule).toEqual([1]);
    } finally {
      lake.forwardDelayed();
      lake.clearRules();
    }
    const winner = (await Promise.all([a, b])).find((r) => summaryOf(r.stdout).status !== 'skipped')!;
    expect(winner.code).toBe(0);
    expect(summaryOf(winner.stdout).status).toBe('caught-up');
    expect(allLines(await h.readLake('together'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('a killed run blocks others only until its lease expires; the next run then recovers and finishes', async () => {
    // The longest lease: the test breaks it rather than wait for it, and the blocked run must come while it holds.
    const where = { ADLS_PATH: 'expiry', ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, lake) };
    const e = env('expiry', { ...where, EXPORT_LEASE_SECONDS: '60', EXPORT_BATCH_MAX_BYTES: '4096' });
    // Killed while the lake holds its second flush: it holds the lease and has written part of the backlog.
    lake.setRules([{ query: { action: 'flush' }, pathIncludes: '.ndjson', fault: 'delay', delayMs: 600_000, skip: 1, count: 1 }]);
    const first = cli(e);
    await Promise.race([lake.whenFaulted(), first.done.then((r) => Promise.reject(new Error(`the run ended before its second flush:\n${r.stdout}${r.stderr}`)))]);
    first.kill();
    await first.done;
    lake.clearRules();
    // Part of the backlog, in order: the first batch (flushed), not the second (held).
    const expected = h.apiEvents().map(expectedLine);
    const partial = allLines(await h.readLake('expiry'));
    expect([partial.length > 0, partial.length < expected.length]).toEqual([true, true]);
    expect(partial).toEqual(expected.slice(0, partial.length));

    const blocked = await cli(e).done;
    expect(summaryOf(blocked.stdout).status).toBe('skipped');
    // Breaking the lease stands for its running out.
    await h.checkpointBlob(where).getBlobLeaseClient().breakLease(0);
    const next = await cli(e).done;
    expect(next.code).toBe(0);
    expect(summaryOf(next.stdout).status).toBe('caught-up');
    expect(allLines(await h.readLake('expiry'))).toEqual(expected);
  }, 60_000);
});
