import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main';

async function exit(argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const code = await main(argv, {}, { out: () => undefined, err: (line) => err.push(line) });
  return { code, err: err.join('\n') };
}

describe('audit-export exit codes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-exit-'));
  const good = join(dir, 'good.json');
  writeFileSync(good, JSON.stringify({
    interval: 'EVERY_12_HOURS', storageAccount: 'auditlake01', fileSystem: 'audit-output', path: 'immuta-audit',
    sasToken: { keyVaultUrl: 'https://your-vault.vault.azure.net', secretName: 'audit-export-sas' },
    auditApi: { url: 'https://your-immuta.example.com', apiKeySecretName: 'audit-api-key' },
  }));

  it('2 for what the operator fixes: settings, configuration, arguments, a file that is not there', async () => {
    expect(await exit(['status'])).toMatchObject({ code: 2, err: expect.stringMatching(/^audit-export: Invalid settings:/) });
    expect(await exit(['config', 'validate', join(dir, 'bad.json')])).toMatchObject({ code: 2, err: expect.stringMatching(/ENOENT/) });
    expect(await exit(['config', 'env', good, '--format', 'yaml'])).toEqual({ code: 2, err: 'audit-export: --format must be json or az, got "yaml"' });
    expect(await exit(['verify', '--from', '2026-01-02T00:00:00Z', '--to', '2026-01-01T00:00:00Z'])).toEqual({
      code: 2,
      err: 'audit-export: --from (2026-01-02T00:00:00Z) must be before --to (2026-01-01T00:00:00Z)',
    });
  });

  it('1 for anything else', async () => {
    expect(await exit(['config', 'validate', dir])).toMatchObject({ code: 1, err: expect.stringMatching(/EISDIR/) });
  });
});
