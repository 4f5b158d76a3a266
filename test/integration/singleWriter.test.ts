// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient } from '../../dev/sas';
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import { configId } from '../../src/config/configId';
import { loadSettings } from '../../src/config/settings';
import { startCli, summaryOf } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const cli = (env: NodeJS.ProcessEnv) => startCli(['run'], env);

/** Resolves once `stream` has printed `text`. */
function printed(stream: NodeJS.ReadableStream, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (!seen.includes(text)) return;
      stream.off('data', onData);
      resolve();
    };
    stream.on('data', onData);
  });
}

const START = new Date(Date.now() - 4 * 3600_000);

describe('a single writer per export configuration', () => {
  let h: Harness;
  let env: (path: string, extra?: Record<string, string>) => NodeJS.ProcessEnv;
  beforeAll(async () => {
    h = await startHarness({ count: 400, start: START, spanSeconds: 3 * 3600, seed: 17 });
    env = (path, extra = {}) => ({ ...process.env, ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: path, AUDIT_PAGE_SIZE: '20', ...extra }) });
  });
  afterAll(() => h?.stop());

  it('two runs started together: one exports, the other says another run is active and exits cleanly', async () => {
    h.stack.auditApi.setFaults({ delayMs: 40 }); // keep the winner busy long enough to overlap
    try {
      const [a, b] = await Promise.all([cli(env('together')).done, cli(env('together')).done]);
      expect([a.code, b.code]).toEqual([0, 0]);
      const statuses = [summaryOf(a.stdout).status, summaryOf(b.stdout).status].sort();
      expect(statuses).toEqual(['caught-up', 'skipped']);
      const loser = summaryOf(a.stdout).status === 'skipped' ? a : b;
      expect(loser.stdout).toMatch(/another export run is active; this run exits without changing anything/);
    } finally {
      h.stack.auditApi.resetFaults();
    }
    expect(allLines(await h.readLake('together'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('a killed run blocks others only until its lease expires; the next run then recovers and finishes', async () => {
    const e = env('expiry', { EXPORT_LEASE_SECONDS: '15', EXPORT_BATCH_MAX_BYTES: '4096' });
    h.stack.auditApi.setFaults({ delayMs: 200 });
    const first = cli(e);
    // Killed once it holds the lease and has written part of the backlog.
    await printed(first.child.stdout, 'batch written');
    first.kill();
    await first.done;
    h.stack.auditApi.resetFaults();

    const blocked = await cli(e).done;
    expect(summaryOf(blocked.stdout).status).toBe('skipped');
    // Breaking the lease stands for its 15 s running out.
    const settings = loadSettings(exporterEnv(h.stack.info, h.seeded, { ADLS_PATH: 'expiry' }));
    await adminClient(h.stack.info).getContainerClient(STATE_CONTAINER).getBlobClient(`checkpoints/${configId(settings)}.json`).getBlobLeaseClient().breakLease(0);
    const next = await cli(e).done;
    expect(next.code).toBe(0);
    expect(summaryOf(next.stdout).status).toBe('caught-up');
    expect(allLines(await h.readLake('expiry'))).toEqual(h.apiEvents().map(expectedLine));
  }, 60_000);
});
