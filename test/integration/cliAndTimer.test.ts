// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvocationContext } from '@azure/functions';
import { exporterEnv } from '../../dev/exporterEnv';
import { cli as runCli } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const cli = (args: string[], env: Record<string, string | undefined>) => runCli(args, env as NodeJS.ProcessEnv);

const START = new Date(Date.now() - 3 * 3600_000);

describe('audit-export CLI and the timer function against the local stack', () => {
  let h: Harness;
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    // Events in the last three hours, ending well before now minus the lag, so a real-clock run gets them all.
    h = await startHarness({ count: 300, start: START, spanSeconds: 2 * 3600, seed: 9 });
    env = { ...process.env, ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString() }) };
  });
  afterAll(() => h?.stop());

  it('`run` exports every event and prints the run summary; a second run finds nothing new', async () => {
    const first = await cli(['run'], { ...env, ADLS_PATH: 'cli' });
    // The seeded SAS is bound to a stored access policy: the one line on stderr says so, nothing else.
    expect(first.stderr.trim().split('\n')).toEqual([expect.stringMatching(/from stored access policy "exporter-1", so they cannot be checked/)]);
    expect(first.code).toBe(0);
    const summary = JSON.parse(first.stdout.trim().split('\n').at(-1)!);
    expect(summary).toMatchObject({ status: 'caught-up', events: 300 });
    const second = await cli(['run'], { ...env, ADLS_PATH: 'cli' });
    expect(JSON.parse(second.stdout.trim().split('\n').at(-1)!).events).toBe(0);
  });

  it('`run` wrote the same bytes the API serves', async () => {
    expect(allLines(await h.readLake('cli'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('`run --config FILE` takes the file over the environment', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'exportConfig.json');
    writeFileSync(file, JSON.stringify({
      dfsEndpoint: h.stack.info.dfsEndpoint,
      fileSystem: h.seeded.fileSystem,
      path: 'from-file',
      sasToken: { keyVaultUrl: h.stack.info.keyVaultUrl, secretName: h.seeded.sasSecretName },
      auditApi: { url: h.stack.info.auditApiUrl, apiKeySecretName: h.seeded.auditApiKeySecretName },
    }));
    const r = await cli(['run', '--config', file], { ...env, ADLS_PATH: 'ignored' });
    expect(r.code).toBe(0);
    expect((await h.readLake('from-file')).size).toBeGreaterThan(0);
    expect((await h.readLake('ignored')).size).toBe(0);
  });

  it('stops with exit 2 and one message naming each bad setting, never printing a secret', async () => {
    const r = await cli(['run'], { ...env, ADLS_FILE_SYSTEM: 'Bad_Name', AUDIT_PAGE_SIZE: 'lots', KEY_VAULT_URL: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Invalid settings:/);
    expect(r.stderr).toMatch(/ADLS_FILE_SYSTEM must be a file system name/);
    expect(r.stderr).toMatch(/AUDIT_PAGE_SIZE must be a whole number of events/);
    expect(r.stderr).toMatch(/KEY_VAULT_URL is empty/);
    expect(r.stderr + r.stdout).not.toContain(h.stack.info.accountKey);
  });

  it('`config validate` lists every wrong field; exit 0 for a valid file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ interval: 'NEVER', fileSystem: 'x', path: 'p' }));
    const r = await cli(['config', 'validate', bad], env);
    expect(r.code).toBe(2);
    for (const field of ['interval', 'fileSystem', 'sasToken', 'auditApi', 'storageAccount']) expect(r.stderr).toContain(`- ${field}`);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ storageAccount: 'acct01', fileSystem: 'audit-output', path: 'p', sasToken: { keyVaultUrl: 'https://v.vault.azure.net', secretName: 's' }, auditApi: { url: 'https://i.example.com' } }));
    expect(await cli(['config', 'validate', good], env)).toMatchObject({ code: 0, stdout: `${good}: valid\n` });
  });

  it('prints help, and rejects an unknown command with exit 2', async () => {
    const help = await cli(['--help'], env);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: audit-export <command>/);
    expect(await cli(['frobnicate'], env)).toMatchObject({ code: 2 });
  });

  it('the timer handler exports with a real InvocationContext and logs through it; every tick of a worker shares one composition', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: 'timer' }));
    const logged: string[] = [];
    const built: unknown[] = [];
    try {
      let handler!: typeof import('../../functions/auditExport').auditExport;
      let worker!: typeof import('../../src/host/workerComposition').workerComposition;
      jest.isolateModules(() => {
        handler = require('../../functions/auditExport').auditExport; // settings are read when the module loads
        worker = require('../../src/host/workerComposition').workerComposition;
      });
      const context = new InvocationContext({
        invocationId: 'test-1',
        functionName: 'auditExport',
        logHandler: (level, ...args) => logged.push(`${level}: ${args.join(' ')}`),
      });
      const timer = { schedule: { adjustForDST: false }, scheduleStatus: { last: '', next: '', lastUpdated: '' } };
      await handler({ ...timer, isPastDue: true }, context);
      built.push(worker());
      await handler({ ...timer, isPastDue: false }, context);
      built.push(worker());
    } finally {
      process.env = saved;
    }
    expect(built[0]).toBe(built[1]);
    expect(logged.some((l) => l.startsWith('warning: timer is past due'))).toBe(true);
    const finished = logged.filter((l) => l.startsWith('information: export run finished'));
    expect(finished).toEqual([expect.stringContaining('"events":300'), expect.stringContaining('"events":0')]);
    expect(logged.filter((l) => l.includes('batch written')).length).toBeGreaterThan(0);
    expect(allLines(await h.readLake('timer'))).toEqual(h.apiEvents().map(expectedLine));
  });
});
