import { ExportConfigError, exportConfigToEnv, parseExportConfig } from '../../src/config/exportConfig';
import { loadSettings, type SettingsError } from '../../src/config/settings';

const EXAMPLE = {
  interval: 'EVERY_12_HOURS',
  storageAccount: 'auditlake01',
  fileSystem: 'audit-output',
  path: 'immuta-audit',
  sasToken: { keyVaultUrl: 'https://your-vault.vault.azure.net', secretName: 'audit-export-sas' },
  auditApi: { url: 'https://your-immuta.example.com', apiKeySecretName: 'audit-api-key' },
};

function problems(config: unknown): string[] {
  try {
    parseExportConfig(JSON.stringify(config), 'cfg.json');
  } catch (error) {
    expect(error).toBeInstanceOf(ExportConfigError);
    expect((error as Error).message).toMatch(/^cfg\.json is not a valid export configuration:/);
    return [...(error as ExportConfigError).problems];
  }
  throw new Error('expected an ExportConfigError');
}

describe('export configuration file', () => {
  it('accepts the documented example and maps it onto the app settings', () => {
    const env = exportConfigToEnv(parseExportConfig(JSON.stringify(EXAMPLE)));
    expect(env).toEqual({
      EXPORT_INTERVAL: 'EVERY_12_HOURS',
      ADLS_ACCOUNT_NAME: 'auditlake01',
      ADLS_FILE_SYSTEM: 'audit-output',
      ADLS_PATH: 'immuta-audit',
      KEY_VAULT_URL: 'https://your-vault.vault.azure.net',
      SAS_SECRET_NAME: 'audit-export-sas',
      AUDIT_API_URL: 'https://your-immuta.example.com',
      AUDIT_API_KEY_SECRET_NAME: 'audit-api-key',
    });
    const settings = loadSettings({ ...env, AzureWebJobsStorage: 'UseDevelopmentStorage=true' });
    expect(settings.dfsEndpoint).toBe('https://auditlake01.dfs.core.windows.net');
  });

  it('lists every wrong field at once, by its path in the file', () => {
    const p = problems({
      ...EXAMPLE,
      interval: 'HOURLY',
      storageAccount: 'Audit-Lake',
      fileSystem: 'a',
      path: '/x',
      sasToken: { keyVaultUrl: 'http://vault.example.com', secretName: 'bad name!' },
      auditApi: { url: 'not a url' },
      sasTokn: 'typo',
    });
    const text = p.join('\n');
    expect(p).toHaveLength(8);
    expect(text).toMatch(/^interval must be one of EVERY_2_HOURS/m);
    expect(text).toMatch(/^storageAccount must be a storage account name/m);
    expect(text).toMatch(/^fileSystem must be a file system name/m);
    expect(text).toMatch(/^path starts with "\/"/m);
    expect(text).toMatch(/^sasToken\.keyVaultUrl must be an https URL of the Key Vault, e\.g\. https:\/\/your-vault\.vault\.azure\.net \(got "http:\/\/vault\.example\.com"\)$/m);
    expect(text).toMatch(/^sasToken\.secretName must be a Key Vault secret name/m);
    expect(text).toMatch(/^auditApi\.url must be an https URL of the audit API/m);
    expect(text).toMatch(/^unknown field "sasTokn"$/m);
  });

  it('names missing sections and refuses a literal SAS token in place of a Key Vault reference', () => {
    const { sasToken: _s, auditApi: _a, ...rest } = EXAMPLE;
    const p = problems({ ...rest, sasToken: 'sv=2024&sig=abc', storageAccount: undefined });
    expect(p.join('\n')).toMatch(/^sasToken is required: \{"keyVaultUrl"/m);
    expect(p.join('\n')).toMatch(/^auditApi is required/m);
    expect(p.join('\n')).toMatch(/^storageAccount or dfsEndpoint is required/m);
    expect(p.join('\n')).not.toContain('sig=abc');
  });

  it('needs exactly one of storageAccount and dfsEndpoint', () => {
    const { storageAccount: _x, ...noAccount } = EXAMPLE;
    expect(problems(noAccount)).toEqual(['storageAccount or dfsEndpoint is required: the storage account name, or its dfs endpoint URL']);
    expect(problems({ ...EXAMPLE, dfsEndpoint: 'https://x.dfs.core.windows.net' })).toEqual([
      'storageAccount and dfsEndpoint are both set: set only one of them',
    ]);
  });

  it("maps the audit API's kind and authentication onto their settings, and names wrong ones", () => {
    const config = parseExportConfig(JSON.stringify({ ...EXAMPLE, auditApi: { ...EXAMPLE.auditApi, kind: 'immuta-legacy', auth: 'immuta-token' } }));
    expect(exportConfigToEnv(config)).toMatchObject({ AUDIT_API_KIND: 'immuta-legacy', AUDIT_API_AUTH: 'immuta-token' });
    expect(problems({ ...EXAMPLE, auditApi: { ...EXAMPLE.auditApi, kind: 'uam', auth: 'token' } })).toEqual([
      'auditApi.kind must be one of immuta-uam, immuta-legacy (got "uam")',
      'auditApi.auth must be one of bearer, apikey, immuta-token (got "token")',
    ]);
    const { apiKeySecretName: _k, ...noKey } = EXAMPLE.auditApi;
    expect(problems({ ...EXAMPLE, auditApi: { ...noKey, auth: 'immuta-token' } })).toEqual([
      'auditApi.auth is immuta-token, which exchanges the API key for a token: set auditApi.apiKeySecretName to the Key Vault secret that holds the key',
    ]);
  });

  it('refuses a value with the same words as the app setting it stands for: one validator checks both', () => {
    const wrong: Array<[string, Record<string, unknown>, string, string]> = [
      ['interval', { interval: 'HOURLY' }, 'EXPORT_INTERVAL', 'HOURLY'],
      ['fileSystem', { fileSystem: 'A_B' }, 'ADLS_FILE_SYSTEM', 'A_B'],
      ['pageSize', { pageSize: 0 }, 'AUDIT_PAGE_SIZE', '0'],
      ['lagSeconds', { lagSeconds: 1.5 }, 'EXPORT_LAG_SECONDS', '1.5'],
      ['exportStart', { exportStart: '2026-01-01T00:00:00' }, 'EXPORT_START', '2026-01-01T00:00:00'],
    ];
    const env = { ...exportConfigToEnv(parseExportConfig(JSON.stringify(EXAMPLE))), AzureWebJobsStorage: 'UseDevelopmentStorage=true' };
    for (const [field, change, setting, value] of wrong) {
      let fromEnv = '';
      try {
        loadSettings({ ...env, [setting]: value });
      } catch (error) {
        fromEnv = (error as SettingsError).problems.join('\n');
      }
      expect(fromEnv).toMatch(new RegExp(`^${setting} `));
      expect(problems({ ...EXAMPLE, ...change })).toEqual([fromEnv.replace(setting, field)]);
    }
  });

  it('names a field of the wrong type', () => {
    expect(problems({ ...EXAMPLE, pageSize: '100', path: 7 })).toEqual(['path must be a string', 'pageSize must be a number']);
  });

  it('reports a file that is not JSON', () => {
    expect(() => parseExportConfig('{ nope', 'cfg.json')).toThrow(/cfg\.json is not a valid export configuration:\n {2}- is not JSON/);
  });
});
