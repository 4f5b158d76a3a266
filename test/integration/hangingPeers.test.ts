// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { exporterEnv } from '../../dev/exporterEnv';
import { startFaultProxy, viaProxy, type FaultProxy } from '../../dev/faultProxy';
import type { PeerTimeouts } from '../../src/config/defaults';
import { testConnection, type ConnectionReport } from '../../src/connection/testConnection';
import { isExportError } from '../../src/errors';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';
import { startSilentPeer, type SilentPeer } from '../support/silentPeer';
import { Composition } from '../../src/run/composition';
import { loadSettings } from '../../src/config/settings';

const T0 = new Date('2026-03-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 3 * 3600_000);
/** Short for a test, still ample for a healthy local peer on a busy machine (storage takes whole seconds). */
const TRY = { tryTimeoutMs: 2000, maxTries: 2, retryDelayMs: 50, maxRetryDelayMs: 100 };
const SHORT: PeerTimeouts = { keyVault: TRY, hostStorage: TRY, lake: TRY, lakeRead: TRY };
const HANG = [{ fault: 'delay' as const, delayMs: 600_000, count: Infinity }];

/** Key Vault, host storage or the lake takes the connection and never answers. */
describe('a peer that never answers fails the call in time, naming the peer, its setting and what timed out', () => {
  let h: Harness;
  let silent: SilentPeer;
  let lake: FaultProxy;
  let state: FaultProxy;
  let hangingVault: string;
  let hangingState: string;
  let hangingLake: string;

  beforeAll(async () => {
    h = await startHarness({ count: 120, start: T0, spanSeconds: 2 * 3600, seed: 23 });
    silent = await startSilentPeer();
    lake = await startFaultProxy({ target: new URL(h.stack.info.dfsEndpoint).origin });
    state = await startFaultProxy({ target: new URL(h.stack.info.blobEndpoint).origin });
    lake.setRules(HANG);
    state.setRules(HANG);
    hangingVault = `https://127.0.0.1:${silent.port}`;
    hangingState = h.stack.info.azureWebJobsStorage.replace(h.stack.info.blobEndpoint, viaProxy(h.stack.info.blobEndpoint, state));
    hangingLake = viaProxy(h.stack.info.dfsEndpoint, lake);
  });
  afterAll(async () => {
    await lake?.stop();
    await state?.stop();
    await silent?.stop();
    await h?.stop();
  });

  const failure = (run: Promise<unknown>) =>
    run.then(
      () => {
        throw new Error('the run succeeded');
      },
      (e: unknown) => (isExportError(e) ? { code: e.code, kind: e.kind, message: e.message } : { code: undefined, message: String(e) }),
    );

  it('run: a vault that never answers fails the run with KEY_VAULT_URL; each try timed out and was tried again', async () => {
    const e = await failure(h.run(NOW, { ADLS_PATH: 'vault', KEY_VAULT_URL: hangingVault }, { timeouts: SHORT }));
    expect(e).toMatchObject({ code: 'VaultTimeout', kind: 'retryable' });
    expect(e.message).toBe(`Key Vault ${hangingVault} (KEY_VAULT_URL) did not answer in time: read secret "audit-export-sas" timed out (2 tries of 2 s)`);
    expect(silent.connections()).toBeGreaterThanOrEqual(2);
  });

  it('run: host storage that never answers fails the run with AzureWebJobsStorage, and the status write gives up too', async () => {
    const e = await failure(h.run(NOW, { ADLS_PATH: 'state', AzureWebJobsStorage: hangingState }, { timeouts: SHORT }));
    expect(e.code).toBe('StateStorageTimeout');
    expect(e.message).toBe(
      `host storage ${state.url}/devstoreaccount1 (AzureWebJobsStorage) did not answer in time: create the state container timed out (2 tries of 2 s)`,
    );
    expect(h.logs.filter((l) => /could not record the run for status.*did not answer in time: load status/.test(l))).toHaveLength(1);
    expect((await h.readLake('state')).size).toBe(0);
  });

  it('run: a lake that never answers fails the run with ADLS_DFS_ENDPOINT; the next run exports every event once', async () => {
    const e = await failure(h.run(NOW, { ADLS_PATH: 'lake', ADLS_DFS_ENDPOINT: hangingLake }, { timeouts: SHORT }));
    expect(e.code).toBe('LakeTimeout');
    expect(e.message).toMatch(
      new RegExp(`^the lake ${hangingLake} \\(ADLS_ACCOUNT_NAME/ADLS_DFS_ENDPOINT\\) did not answer in time: create lake/_owner timed out \\(2 tries of 2 s\\)$`),
    );
    expect((await h.run(NOW, { ADLS_PATH: 'lake' })).status).toBe('caught-up');
    expect(allLines(await h.readLake('lake'))).toEqual(h.apiEvents().map(expectedLine));
  });

  const connection = (extra: Record<string, string>, linkTimeoutsMs: Record<string, number>): Promise<ConnectionReport> =>
    testConnection(() => new Composition(loadSettings(exporterEnv(h.stack.info, h.seeded, { ADLS_PATH: 'probe', ...extra })), { timeouts: SHORT }), {
      abortSignal: AbortSignal.timeout(120_000),
      linkTimeoutsMs,
    });
  const results = (r: ConnectionReport) => Object.fromEntries(r.checks.map((c) => [c.name, c.result]));
  const detail = (r: ConnectionReport, name: string) => r.checks.find((c) => c.name === name)!.detail;

  it('test-connection: a hanging lake fails the lake alone; the host storage and the audit API are still checked and pass', async () => {
    const r = await connection({ ADLS_DFS_ENDPOINT: hangingLake }, { lake: 1500 });
    expect(results(r)).toEqual({ settings: 'PASS', identity: 'PASS', vault: 'PASS', sas: 'PASS', lake: 'FAIL', state: 'PASS', 'audit-api': 'PASS' });
    expect(detail(r, 'lake')).toBe(`timed out: the lake ${hangingLake} (ADLS_ACCOUNT_NAME/ADLS_DFS_ENDPOINT) did not answer within 1.5 s`);
    expect(r.connectionStatus).toBe('FAILED');
  });

  it('test-connection: a hanging vault is reported at its own time-out, not the whole test\'s', async () => {
    // The vault's own tries (2 × 2 s) end before the link's time; the link answers with what the adapter said. The
    // detail tells which time-out ended it: the link's (10 s) or the whole test's would say so in other words.
    const r = await connection({ KEY_VAULT_URL: hangingVault }, { vault: 10_000 });
    expect(results(r)).toEqual({ settings: 'PASS', identity: 'PASS', vault: 'FAIL', sas: 'SKIP', lake: 'SKIP', state: 'PASS', 'audit-api': 'SKIP' });
    expect(detail(r, 'vault')).toMatch(/^Key Vault .* \(KEY_VAULT_URL\) did not answer in time: read secret "audit-export-sas" timed out/);

    const slower = await connection({ KEY_VAULT_URL: hangingVault }, { vault: 300 });
    expect(results(slower)).toMatchObject({ vault: 'FAIL', state: 'PASS' });
    expect(detail(slower, 'vault')).toBe(`timed out: Key Vault ${hangingVault} (KEY_VAULT_URL) did not answer within 0.3 s`);
  });

  it('test-connection: hanging host storage fails the state link naming AzureWebJobsStorage', async () => {
    const r = await connection({ AzureWebJobsStorage: hangingState }, { state: 1500 });
    expect(results(r)).toMatchObject({ lake: 'PASS', state: 'FAIL', 'audit-api': 'PASS' });
    expect(detail(r, 'state')).toBe(`timed out: host storage ${state.url}/devstoreaccount1 (AzureWebJobsStorage) did not answer within 1.5 s`);
    expect(r.checks.find((c) => c.name === 'state')!.fix).toMatch(/^check AzureWebJobsStorage/);
  });
});
