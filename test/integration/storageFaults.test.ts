// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { startFaultProxy, viaProxy, type FaultProxy, type FaultRule } from '../../dev/faultProxy';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-03-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 4 * 3600_000);

/**
 * Storage faults between the exporter and the lake (dfs gateway) or its checkpoint storage (Azurite): each
 * scenario injects faults into a run, lets later runs finish, and checks every event landed exactly once.
 */
describe('storage errors mid-batch leave nothing lost or doubled', () => {
  let h: Harness;
  let lake: FaultProxy;
  let state: FaultProxy;
  let env: (path: string) => Record<string, string>;

  beforeAll(async () => {
    h = await startHarness({ count: 300, start: T0, spanSeconds: 3 * 3600, seed: 19 });
    lake = await startFaultProxy({ target: new URL(h.stack.info.dfsEndpoint).origin });
    state = await startFaultProxy({ target: new URL(h.stack.info.blobEndpoint).origin });
    const stateConnection = h.stack.info.azureWebJobsStorage.replace(h.stack.info.blobEndpoint, viaProxy(h.stack.info.blobEndpoint, state));
    env = (path) => ({
      ADLS_PATH: path,
      ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, lake),
      AzureWebJobsStorage: stateConnection,
      AUDIT_PAGE_SIZE: '25',
      EXPORT_BATCH_MAX_BYTES: '9000',
    });
  });
  afterEach(() => {
    lake.clearRules();
    state.clearRules();
  });
  afterAll(async () => {
    await lake?.stop();
    await state?.stop();
    await h?.stop();
  });

  /** Runs with the faults, then without, until caught up; returns how the faulted run ended. */
  async function exportThrough(path: string, faults: { lake?: FaultRule[]; state?: FaultRule[] }, abortMs?: number): Promise<string> {
    lake.setRules(faults.lake ?? []);
    state.setRules(faults.state ?? []);
    const first = await h.run(NOW, env(path), { abortMs }).then((s) => s.status, (e: { code?: string; name?: string }) => `failed: ${e.code ?? e.name}`);
    expect(lake.stats().faulted + state.stats().faulted).toBeGreaterThan(0);
    lake.clearRules();
    state.clearRules();
    for (let i = 0; i < 3; i++) if ((await h.run(NOW, env(path))).status === 'caught-up') break;
    expect(allLines(await h.readLake(path))).toEqual(h.apiEvents().map(expectedLine));
    return first;
  }

  it('503s on appends are retried within the run', async () => {
    expect(await exportThrough('e503', { lake: [{ method: 'PATCH', query: { action: 'append' }, fault: 'status', status: 503, skip: 2, count: 2 }] })).toBe('caught-up');
  });

  it('a lost response to an append (the server staged it) is retried at the same position', async () => {
    expect(await exportThrough('lost-append', { lake: [{ query: { action: 'append' }, fault: 'reset-after', skip: 3, count: 1 }] })).toBe('caught-up');
  });

  it('a lost response to a flush (the server committed it) is retried as a no-op flush', async () => {
    expect(await exportThrough('lost-flush', { lake: [{ query: { action: 'flush' }, fault: 'reset-after', skip: 2, count: 1 }] })).toBe('caught-up');
  });

  it('connection resets before a create reach the server are retried', async () => {
    expect(await exportThrough('reset-create', { lake: [{ method: 'PUT', query: { resource: 'file' }, fault: 'reset-before', count: 2 }] })).toBe('caught-up');
  });

  it('a flush that keeps failing stops the run; the next run recovers the intent', async () => {
    const first = await exportThrough('flush-down', { lake: [{ query: { action: 'flush' }, fault: 'status', status: 500, skip: 3, count: 50 }] });
    expect(first).toMatch(/^failed: /);
  });

  it('a run that times out in the middle of a flush leaves an intent the next run resolves', async () => {
    const first = await exportThrough('timeout', { lake: [{ query: { action: 'flush' }, fault: 'delay', delayMs: 3000, skip: 2, count: 1 }] }, 2000);
    expect(first).toMatch(/^failed: /);
  });

  it('when the checkpoint cannot be saved after a flush, the next run finds the batch already in (flush at `to`) and does not write it twice', async () => {
    // Saves are PUTs of the checkpoint blob: let the intent save and a few batches through, then fail every save.
    const first = await exportThrough('save-down', { state: [{ method: 'PUT', pathIncludes: '/checkpoints/', fault: 'reset-after', skip: 6, count: 50 }] });
    expect(first).toMatch(/^failed: /);
    expect(h.logs.some((l) => l.includes('recovered an interrupted batch: it is in the lake'))).toBe(true);
  });
});
