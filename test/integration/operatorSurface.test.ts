// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient, fileSystemSas } from '../../dev/sas';
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import { configId } from '../../src/config/configId';
import { cli, type CliResult } from '../support/cli';
import { startHarness, type Harness } from '../support/exporterHarness';

const START = new Date(Date.now() - 3 * 3600_000);

describe('operator surface: status, test-connection and the HTTP functions', () => {
  let h: Harness;
  const printed: string[] = [];
  const env = (path: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: path, EXPORT_INTERVAL: 'EVERY_6_HOURS', ...extra }),
  });
  const run = async (args: string[], e: NodeJS.ProcessEnv): Promise<CliResult> => {
    const r = await cli(args, e);
    printed.push(r.stdout, r.stderr);
    return r;
  };
  const status = async (path: string, extra: Record<string, string> = {}) => JSON.parse((await run(['status'], env(path, extra))).stdout);
  const checks = (r: CliResult) => Object.fromEntries(r.stdout.split('\n').filter((l) => /^(PASS|WARN|FAIL|SKIP) /.test(l)).map((l) => [l.split(/\s+/)[1], l.split(/\s+/)[0]]));

  beforeAll(async () => {
    h = await startHarness({ count: 150, start: START, spanSeconds: 2 * 3600, seed: 37 });
  });
  afterAll(() => h?.stop());

  it('status before any run: the configuration, no run, no watermark, the next run time', async () => {
    const s = await status('fresh');
    expect(s).toMatchObject({ enabled: true, interval: 'EVERY_6_HOURS', schedule: '0 0 */6 * * *', connectionStatus: null, lastRun: null, watermark: null, lagSeconds: null, warnings: [] });
    const next = new Date(s.nextRunAt);
    expect(next.getTime()).toBeGreaterThan(Date.now());
    expect(next.getUTCHours() % 6).toBe(0);
    expect(next.getUTCMinutes() + next.getUTCSeconds()).toBe(0);
  });

  it('status after a successful run: SUCCESS, the run, the watermark and the lag', async () => {
    expect((await run(['run'], env('ok'))).code).toBe(0);
    const s = await status('ok');
    expect(s.connectionStatus).toBe('SUCCESS');
    expect(s.lastRun).toMatchObject({ status: 'caught-up', events: 150, attempts: 1 });
    expect(s.lastRun.files).toBeGreaterThan(0);
    expect(s.lastRun.bytes).toBeGreaterThan(0);
    expect(s.watermark).not.toBeNull();
    expect(s.lagSeconds).toBeGreaterThanOrEqual(300);
    expect(s.sasWarnings).toEqual([expect.stringMatching(/stored access policy "exporter-1"/)]);
  });

  it('status over a status record it cannot read: as before any run, and the next run writes a good one', async () => {
    const blob = adminClient(h.stack.info).getContainerClient(STATE_CONTAINER).getBlockBlobClient(`status/${configId(h.settings({ ADLS_PATH: 'unreadable', EXPORT_INTERVAL: 'EVERY_6_HOURS' }))}.json`);
    for (const body of ['not JSON', JSON.stringify({ version: 2, warnings: [] })]) {
      await blob.upload(body, Buffer.byteLength(body));
      expect(await status('unreadable')).toMatchObject({ connectionStatus: null, lastRun: null, warnings: [], sasWarnings: [] });
    }
    expect((await run(['run'], env('unreadable'))).code).toBe(0);
    expect(await status('unreadable')).toMatchObject({ connectionStatus: 'SUCCESS', lastRun: { status: 'caught-up' }, sasWarnings: [expect.stringMatching(/stored access policy/)] });
  });

  it('status after failures: FAILED with the reason, attempts counting up, reset by a success', async () => {
    h.stack.vault.setSecret('bad-key', 'wrong-audit-key-000');
    const failing = { AUDIT_API_KEY_SECRET_NAME: 'bad-key' };
    expect((await run(['run'], env('fails', failing))).code).toBe(1);
    let s = await status('fails', failing);
    expect(s.connectionStatus).toBe('FAILED');
    expect(s.lastRun).toMatchObject({ status: 'failed', attempts: 1, failureCode: 'AuditApiKeyRejected', failureReason: expect.stringMatching(/refused the API key/) });
    await run(['run'], env('fails', failing));
    expect((await status('fails', failing)).lastRun.attempts).toBe(2);
    expect((await run(['run'], env('fails'))).code).toBe(0);
    s = await status('fails');
    expect(s).toMatchObject({ connectionStatus: 'SUCCESS', lastRun: { status: 'caught-up', attempts: 1 } });
  });

  it('test-connection passes every link and writes the probe file; exit 0', async () => {
    const r = await run(['test-connection'], env('probe'));
    expect(r.code).toBe(0);
    expect(checks(r)).toEqual({ settings: 'PASS', identity: 'PASS', vault: 'PASS', sas: 'PASS', lake: 'PASS', state: 'PASS', 'audit-api': 'PASS' });
    expect(r.stdout).toMatch(/connectionStatus: SUCCESS/);
    const probe = await adminClient(h.stack.info).getContainerClient(h.seeded.fileSystem).getBlobClient('probe/_probe/connection-test.txt').downloadToBuffer();
    expect(probe.toString()).toMatch(/^connection test /);
  });

  it('test-connection names each broken link with its own message and fix, skipping what depends on it', async () => {
    const broken = async (extra: Record<string, string>, before?: () => void, after?: () => void) => {
      before?.();
      try {
        const r = await run(['test-connection'], env('probe', extra));
        expect(r.code).toBe(1);
        expect(r.stdout).toMatch(/connectionStatus: FAILED/);
        return r;
      } finally {
        after?.();
      }
    };
    const settings = await broken({ ADLS_PATH: '/abs' });
    expect(checks(settings)).toEqual({ settings: 'FAIL', identity: 'SKIP', vault: 'SKIP', sas: 'SKIP', lake: 'SKIP', state: 'SKIP', 'audit-api': 'SKIP' });
    expect(settings.stdout).toMatch(/ADLS_PATH starts with "\/"/);

    const identity = await broken({ IDENTITY_HEADER: 'wrong' });
    expect(checks(identity)).toMatchObject({ identity: 'FAIL', vault: 'SKIP', lake: 'SKIP' });
    expect(identity.stdout).toMatch(/fix: enable the Function App's managed identity/);

    const vault = await broken({}, () => h.stack.vault.setCallerAccess(false), () => h.stack.vault.setCallerAccess(true));
    expect(checks(vault)).toMatchObject({ identity: 'PASS', vault: 'FAIL', sas: 'SKIP', lake: 'SKIP', 'audit-api': 'SKIP' });
    expect(vault.stdout).toMatch(/Key Vault Secrets User/);

    h.stack.vault.setSecret('read-only-sas', fileSystemSas(h.stack.info, { fileSystem: h.seeded.fileSystem, permissions: 'r' }));
    const sas = await broken({ SAS_SECRET_NAME: 'read-only-sas' });
    expect(checks(sas)).toMatchObject({ vault: 'PASS', sas: 'FAIL', lake: 'SKIP', state: 'PASS', 'audit-api': 'PASS' });
    expect(sas.stdout).toMatch(/lacks Create and Write permission \(sp=r\)/);

    const lake = await broken({ ADLS_FILE_SYSTEM: 'no-such-fs' });
    expect(checks(lake)).toMatchObject({ sas: 'PASS', lake: 'FAIL', 'audit-api': 'PASS' });
    expect(lake.stdout).toMatch(/fix: check ADLS_ACCOUNT_NAME\/ADLS_DFS_ENDPOINT and ADLS_FILE_SYSTEM/);

    h.stack.vault.setSecret('bad-key', 'wrong-audit-key-000');
    const api = await broken({ AUDIT_API_KEY_SECRET_NAME: 'bad-key' });
    expect(checks(api)).toMatchObject({ lake: 'PASS', 'audit-api': 'FAIL' });
    expect(api.stdout).toMatch(/refused the API key/);

    const lines = [settings, identity, vault, sas, lake, api].map((r) => r.stdout.split('\n').find((l) => l.startsWith('FAIL')));
    expect(new Set(lines).size).toBe(6);
    expect((await status('probe')).connectionStatus).toBe('FAILED');
  });

  it('the HTTP functions answer with real HttpRequest and InvocationContext objects, the same JSON as the CLI', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, env('ok'));
    try {
      let fns!: { exportStatus: typeof import('../../functions/exportStatus').exportStatus; testConnection: typeof import('../../functions/testConnection').testConnection };
      jest.isolateModules(() => {
        fns = { exportStatus: require('../../functions/exportStatus').exportStatus, testConnection: require('../../functions/testConnection').testConnection };
      });
      const context = new InvocationContext({ invocationId: 'http-1', functionName: 'exportStatus' });
      const response = await fns.exportStatus(new HttpRequest({ method: 'GET', url: 'http://localhost:7071/api/export/status' }), context);
      expect(response.status).toBe(200);
      const fromCli = await status('ok');
      const { lagSeconds: _a, nextRunAt: _b, ...http } = response.jsonBody as Record<string, unknown>;
      const { lagSeconds: _c, nextRunAt: _d, ...cliView } = fromCli;
      expect(http).toEqual(cliView);

      const tested = await fns.testConnection(new HttpRequest({ method: 'POST', url: 'http://localhost:7071/api/export/test-connection' }), new InvocationContext());
      expect(tested.status).toBe(200);
      expect(tested.jsonBody).toMatchObject({ connectionStatus: 'SUCCESS' });
      expect((tested.jsonBody as { checks: unknown[] }).checks).toHaveLength(7);
      printed.push(JSON.stringify(response.jsonBody), JSON.stringify(tested.jsonBody));
    } finally {
      process.env = saved;
    }
  });

  it('config env prints the settings a configuration file stands for', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'c.json');
    writeFileSync(file, JSON.stringify({ interval: 'EVERY_4_HOURS', storageAccount: 'acct01', fileSystem: 'audit-output', path: 'p', sasToken: { keyVaultUrl: 'https://v.vault.azure.net', secretName: 's' }, auditApi: { url: 'https://i.example.com', apiKeySecretName: 'k' } }));
    const json = await run(['config', 'env', file], env('x'));
    expect(JSON.parse(json.stdout)).toEqual({ EXPORT_INTERVAL: 'EVERY_4_HOURS', ADLS_ACCOUNT_NAME: 'acct01', ADLS_FILE_SYSTEM: 'audit-output', ADLS_PATH: 'p', KEY_VAULT_URL: 'https://v.vault.azure.net', SAS_SECRET_NAME: 's', AUDIT_API_URL: 'https://i.example.com', AUDIT_API_KEY_SECRET_NAME: 'k' });
    const az = await run(['config', 'env', file, '--format', 'az'], env('x'));
    expect(az.stdout).toMatch(/^az functionapp config appsettings set --name <function-app> --resource-group <resource-group> --settings/);
    expect(az.stdout).toContain("'EXPORT_INTERVAL=EVERY_4_HOURS'");
  });

  it('nothing printed by status, test-connection or the HTTP functions holds a secret', () => {
    const all = printed.join('\n');
    for (const secret of [h.stack.info.auditApiKey, 'wrong-audit-key-000', h.stack.info.identityHeader, 'eyJ', 'sig=']) expect(all).not.toContain(secret);
  });
});
