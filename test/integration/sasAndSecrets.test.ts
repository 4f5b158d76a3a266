// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { createServer } from 'node:net';
import { exporterEnv } from '../../dev/exporterEnv';
import { startFaultProxy, viaProxy, type FaultProxy } from '../../dev/faultProxy';
import { fileSystemSas, removeStoredAccessPolicy, setStoredAccessPolicy } from '../../dev/sas';
import { startCli, summaryOf, type CliResult } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const START = new Date(Date.now() - 4 * 3600_000);
const DAY = 86_400_000;

describe('SAS tokens and secrets from Key Vault', () => {
  let h: Harness;
  let lake: FaultProxy;
  const printed: string[] = []; // every byte every run printed, for the leak check
  const secrets: string[] = []; // every secret value that must never appear

  const env = (path: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: path, AUDIT_PAGE_SIZE: '20', EXPORT_BATCH_MAX_BYTES: '9000', ...extra }),
  });
  const record = (r: CliResult) => (printed.push(r.stdout, r.stderr), r);
  const run = async (path: string, extra: Record<string, string> = {}) => record(await startCli(['run'], env(path, extra)).done);
  const fs = () => h.seeded.fileSystem;
  /** A SAS stored as a new secret (or new version), remembered for the leak check. */
  const storeSas = (secret: string, sas: string) => {
    secrets.push(sas, new URLSearchParams(sas).get('sig')!);
    h.stack.vault.setSecret(secret, sas);
  };
  const policySas = async (secret: string, policyId: string) => {
    await setStoredAccessPolicy(h.stack.info, fs(), { id: policyId, permissions: 'cw', expiresOn: new Date(Date.now() + DAY) });
    storeSas(secret, fileSystemSas(h.stack.info, { fileSystem: fs(), policyId }));
  };
  const exact = async (path: string) => expect(allLines(await h.readLake(path))).toEqual(h.apiEvents().map(expectedLine));
  /** The lake through the fault proxy (part of the export's identity: later runs of the same export use it too). */
  const viaLake = () => ({ ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, lake) });
  /** Starts a run whose second flush the lake proxy holds; resolves once it is held: the run is part-way, on its SAS. */
  const runHeldAtSecondFlush = async (path: string, extra: Record<string, string>) => {
    lake.setRules([{ query: { action: 'flush' }, pathIncludes: '.ndjson', fault: 'delay', delayMs: 600_000, skip: 1, count: 1 }]);
    const child = startCli(['run'], env(path, { ...extra, ...viaLake() }));
    await Promise.race([lake.whenFaulted(), child.done.then((r) => Promise.reject(new Error(`the run ended before its second flush:\n${r.stdout}${r.stderr}`)))]);
    return child;
  };

  beforeAll(async () => {
    h = await startHarness({ count: 240, start: START, spanSeconds: 3 * 3600, seed: 29 });
    secrets.push(h.stack.info.auditApiKey, h.stack.info.identityHeader, 'eyJ' /* any JWT: the identity's bearer tokens */);
    lake = await startFaultProxy({ target: new URL(h.stack.info.dfsEndpoint).origin });
  });
  afterEach(() => lake.clearRules());
  afterAll(async () => {
    await lake?.stop();
    await h?.stop();
  });

  it('a SAS rotated in the middle of a run (old one revoked) is picked up: the run finishes, every event once', async () => {
    await policySas('rot-sas', 'rot-1');
    const child = await runHeldAtSecondFlush('rotation', { SAS_SECRET_NAME: 'rot-sas' });
    await policySas('rot-sas', 'rot-2'); // a new version of the secret
    await removeStoredAccessPolicy(h.stack.info, fs(), 'rot-1'); // the old SAS stops working at once
    lake.forwardDelayed(); // the held flush reaches storage with the old SAS
    const r = record(await child.done);
    expect(r.code).toBe(0);
    expect(summaryOf(r.stdout).status).toBe('caught-up');
    expect(r.stdout).toMatch(/storage refused the SAS; using the new version of the secret/);
    await exact('rotation');
  });

  it('a SAS revoked but not rotated stops the run, naming the secret to rotate; after rotation the next run finishes', async () => {
    await policySas('rev-sas', 'rev-1');
    const child = await runHeldAtSecondFlush('revoked', { SAS_SECRET_NAME: 'rev-sas' });
    await removeStoredAccessPolicy(h.stack.info, fs(), 'rev-1');
    lake.forwardDelayed();
    const r = record(await child.done);
    expect(r.code).toBe(1);
    // The SAS had worked earlier in the run: the file system may be what went, so it is named too.
    expect(r.stderr).toMatch(
      new RegExp(`storage refused the SAS in secret "rev-sas" in Key Vault https://127\\.0\\.0\\.1:\\d+, which it had taken earlier in this run \\(.*403.*\\): the file system "${fs()}" may have been deleted .* Else create a new SAS with Create \\+ Write and set it as a new version of the secret`),
    );
    await policySas('rev-sas', 'rev-2');
    expect((await run('revoked', { SAS_SECRET_NAME: 'rev-sas', ...viaLake() })).code).toBe(0);
    await removeStoredAccessPolicy(h.stack.info, fs(), 'rev-2');
    await exact('revoked');
  });

  const sasWith = (permissions: string, expiresOn: Date) =>
    fileSystemSas(h.stack.info, { fileSystem: fs(), permissions, expiresOn, startsOn: new Date(expiresOn.getTime() - 30 * DAY) });

  it('an expired SAS stops the run before any storage call, naming the secret, the vault and the expiry', async () => {
    const expired = new Date(Math.floor((Date.now() - 3600_000) / 1000) * 1000); // SAS times have whole seconds
    storeSas('old-sas', sasWith('cw', expired));
    const r = await run('expired', { SAS_SECRET_NAME: 'old-sas' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the SAS in secret "old-sas" in Key Vault ${h.stack.info.keyVaultUrl} expired at ${expired.toISOString()}`);
    expect((await h.readLake('expired')).size).toBe(0);
  });

  it('a SAS without Write stops the run before any storage call', async () => {
    storeSas('c-only-sas', sasWith('c', new Date(Date.now() + 30 * DAY)));
    const r = await run('no-write', { SAS_SECRET_NAME: 'c-only-sas' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/the SAS in secret "c-only-sas" .* lacks Write permission \(sp=c\)/);
    expect((await h.readLake('no-write')).size).toBe(0);
  });

  it('a SAS with more than Create + Write works but warns, naming each extra permission', async () => {
    storeSas('broad-sas', sasWith('racwdl', new Date(Date.now() + 30 * DAY)));
    const r = await run('broad', { SAS_SECRET_NAME: 'broad-sas' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/grants more than the exporter needs: Read, Add, Delete, List/);
    expect(summaryOf(r.stdout).warnings).toEqual([expect.stringMatching(/Read, Add, Delete, List/)]);
    await exact('broad');
  });

  it('a SAS expiring soon warns on every run', async () => {
    storeSas('soon-sas', sasWith('cw', new Date(Date.now() + 2 * DAY)));
    const r = await run('soon', { SAS_SECRET_NAME: 'soon-sas' });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/the SAS in secret "soon-sas" .* expires at .* \(in 2\.0 days\): rotate it before then/);
  });

  it('a missing secret, an unreachable vault, an identity without access or without a token, and a rejected API key each say so', async () => {
    const missing = await run('missing', { SAS_SECRET_NAME: 'no-such-secret' });
    expect(missing.stderr).toContain(`secret "no-such-secret" in Key Vault ${h.stack.info.keyVaultUrl} does not exist`);

    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const { port } = s.address() as { port: number };
        s.close(() => resolve(port));
      });
    });
    const down = await run('down', { KEY_VAULT_URL: `https://127.0.0.1:${closedPort}` });
    expect(down.stderr).toMatch(new RegExp(`Key Vault https://127\\.0\\.0\\.1:${closedPort} could not be reached to read secret "audit-export-sas"`));

    h.stack.vault.setCallerAccess(false);
    const refused = await run('refused').finally(() => h.stack.vault.setCallerAccess(true));
    expect(refused.stderr).toMatch(/the function's identity may not read secret "audit-export-sas" .*grant it the "Key Vault Secrets User" role/);

    const noIdentity = await run('no-identity', { IDENTITY_HEADER: 'not-the-identity-header' });
    expect(noIdentity.stderr).toMatch(/no managed identity token for Key Vault/);

    h.stack.vault.setSecret('wrong-key', 'not-the-audit-api-key-0000');
    secrets.push('not-the-audit-api-key-0000');
    const rejected = await run('bad-key', { AUDIT_API_KEY_SECRET_NAME: 'wrong-key' });
    expect(rejected.stderr).toMatch(/the audit API refused the API key \(HTTP 401\); check the key in AUDIT_API_KEY_SECRET_NAME/);

    const failures = [missing, down, refused, noIdentity, rejected];
    for (const r of failures) expect(r.code).toBe(1);
    expect(new Set(failures.map((r) => r.stderr.trim().split('\n').at(-1))).size).toBe(failures.length);
    for (const path of ['missing', 'down', 'refused', 'no-identity', 'bad-key']) expect((await h.readLake(path)).size).toBe(0);
    // Nothing half-done: the same configuration then runs to the end with every event once.
    expect((await run('bad-key')).code).toBe(0);
    await exact('bad-key');
  });

  it('no SAS signature, API key or bearer token appears in anything any run printed', () => {
    const all = printed.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const secret of secrets) {
      for (const form of new Set([secret, encodeURIComponent(secret), decodeURIComponent(secret)])) expect(all).not.toContain(form);
    }
  });
});
