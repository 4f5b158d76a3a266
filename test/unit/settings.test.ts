import { loadSettings, SettingsError } from '../../src/config/settings';

const VALID = {
  AUDIT_API_URL: 'https://immuta.example.com/',
  ADLS_ACCOUNT_NAME: 'auditlake01',
  ADLS_FILE_SYSTEM: 'audit-output',
  ADLS_PATH: 'immuta-audit',
  KEY_VAULT_URL: 'https://audit-kv.vault.azure.net',
  SAS_SECRET_NAME: 'audit-export-sas',
  AzureWebJobsStorage: 'DefaultEndpointsProtocol=https;AccountName=host;AccountKey=c2VjcmV0LWtleQ==;EndpointSuffix=core.windows.net',
};

function problems(env: Record<string, string | undefined>): string[] {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return [...(error as SettingsError).problems];
  }
  throw new Error('expected a SettingsError');
}

describe('loadSettings', () => {
  it('reads the audit API kind and authentication, defaulting the authentication to what each kind expects', () => {
    expect(loadSettings(VALID)).toMatchObject({ auditApiKind: 'immuta-uam', auditApiAuth: 'bearer' });
    expect(loadSettings({ ...VALID, AUDIT_API_KIND: 'immuta-legacy' })).toMatchObject({ auditApiKind: 'immuta-legacy', auditApiAuth: 'apikey' });
    expect(loadSettings({ ...VALID, AUDIT_API_KIND: 'immuta-legacy', AUDIT_API_AUTH: 'bearer' })).toMatchObject({ auditApiAuth: 'bearer' });
    expect(loadSettings({ ...VALID, AUDIT_API_AUTH: 'immuta-token', AUDIT_API_KEY_SECRET_NAME: 'audit-api-key' })).toMatchObject({ auditApiAuth: 'immuta-token' });
  });

  it('names a wrong kind or authentication, and a token exchange without a key', () => {
    expect(problems({ ...VALID, AUDIT_API_KIND: 'splunk' })).toEqual(['AUDIT_API_KIND must be one of immuta-uam, immuta-legacy (got "splunk")']);
    expect(problems({ ...VALID, AUDIT_API_AUTH: 'basic' })).toEqual(['AUDIT_API_AUTH must be one of bearer, apikey, immuta-token (got "basic")']);
    expect(problems({ ...VALID, AUDIT_API_AUTH: 'immuta-token' })).toEqual([
      'AUDIT_API_AUTH is immuta-token, which exchanges the API key for a token: set AUDIT_API_KEY_SECRET_NAME to the Key Vault secret that holds the key',
    ]);
  });

  it('reads the verify SAS secret name when set, and names a bad one with its value', () => {
    expect(loadSettings(VALID).verifySasSecretName).toBeUndefined();
    expect(loadSettings({ ...VALID, VERIFY_SAS_SECRET_NAME: 'audit-verify-sas' }).verifySasSecretName).toBe('audit-verify-sas');
    expect(problems({ ...VALID, VERIFY_SAS_SECRET_NAME: 'audit verify' })).toEqual([
      'VERIFY_SAS_SECRET_NAME must be a Key Vault secret name (1-127 letters, digits, hyphens) holding a SAS with Read + List for verify (got "audit verify")',
    ]);
  });

  it('applies the documented defaults', () => {
    const s = loadSettings(VALID);
    expect(s).toMatchObject({
      auditApiUrl: 'https://immuta.example.com',
      interval: 'EVERY_12_HOURS',
      schedule: '0 0 */12 * * *',
      dfsEndpoint: 'https://auditlake01.dfs.core.windows.net',
      lagSeconds: 300,
      pageSize: 1000,
      enabled: true,
      auditRequestTimeoutSeconds: 60,
      auditMaxAttempts: 5,
      timeBudgetSeconds: 480,
      fileMaxBytes: 256 * 1024 * 1024,
      batchMaxBytes: 32 * 1024 * 1024,
      leaseSeconds: 60,
      sasExpiryWarningDays: 7,
    });
    expect(s.exportStart).toBeUndefined();
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('maps each interval to its schedule, and EXPORT_SCHEDULE overrides it', () => {
    expect(loadSettings({ ...VALID, EXPORT_INTERVAL: 'EVERY_2_HOURS' }).schedule).toBe('0 0 */2 * * *');
    expect(loadSettings({ ...VALID, EXPORT_INTERVAL: 'EVERY_24_HOURS' }).schedule).toBe('0 0 0 * * *');
    expect(loadSettings({ ...VALID, EXPORT_SCHEDULE: '0 30 1 * * *' }).schedule).toBe('0 30 1 * * *');
  });

  it('reports every wrong setting at once, each naming the setting and what it expects', () => {
    const p = problems({
      ...VALID,
      AUDIT_API_URL: 'ftp://x',
      EXPORT_INTERVAL: 'HOURLY',
      ADLS_FILE_SYSTEM: 'Audit_Out',
      ADLS_PATH: '/abs/../x',
      AUDIT_PAGE_SIZE: '0',
      EXPORT_SCHEDULE: '0 */5 * * *',
      EXPORT_START: 'yesterday',
    });
    const text = p.join('\n');
    expect(p).toHaveLength(7);
    expect(text).toMatch(/AUDIT_API_URL must be an https URL .*\(got "ftp:\/\/x"\)/);
    expect(text).toMatch(/EXPORT_INTERVAL must be one of EVERY_2_HOURS, EVERY_4_HOURS, EVERY_6_HOURS, EVERY_12_HOURS, EVERY_24_HOURS/);
    expect(text).toMatch(/ADLS_FILE_SYSTEM must be a file system name/);
    expect(text).toMatch(/ADLS_PATH starts with "\/"/);
    expect(text).toMatch(/AUDIT_PAGE_SIZE must be a whole number of events from 1 to 10000/);
    expect(text).toMatch(/EXPORT_SCHEDULE is not a valid NCRONTAB schedule: has 5 fields; it needs 6/);
    expect(text).toMatch(/EXPORT_START must be an ISO-8601 time/);
  });

  it('names missing required settings', () => {
    const p = problems({});
    for (const name of ['AUDIT_API_URL', 'ADLS_FILE_SYSTEM', 'ADLS_PATH', 'KEY_VAULT_URL', 'SAS_SECRET_NAME']) {
      expect(p.some((line) => line.startsWith(`${name} is required`))).toBe(true);
    }
  });

  it('needs exactly one of ADLS_ACCOUNT_NAME and ADLS_DFS_ENDPOINT', () => {
    const { ADLS_ACCOUNT_NAME: _omit, ...noAccount } = VALID;
    expect(problems(noAccount)).toEqual([expect.stringMatching(/^ADLS_ACCOUNT_NAME or ADLS_DFS_ENDPOINT is required/)]);
    expect(problems({ ...VALID, ADLS_DFS_ENDPOINT: 'https://x.dfs.core.windows.net' })).toEqual([
      expect.stringMatching(/both set/),
    ]);
    expect(loadSettings({ ...noAccount, ADLS_DFS_ENDPOINT: 'http://127.0.0.1:10000/devstoreaccount1/' }).dfsEndpoint).toBe(
      'http://127.0.0.1:10000/devstoreaccount1',
    );
  });

  it('allows http only for loopback endpoints', () => {
    expect(problems({ ...VALID, AUDIT_API_URL: 'http://immuta.example.com' })[0]).toMatch(/^AUDIT_API_URL must be an https URL/);
    expect(loadSettings({ ...VALID, AUDIT_API_URL: 'http://127.0.0.1:8080' }).auditApiUrl).toBe('http://127.0.0.1:8080');
  });

  it('rejects path segments that would escape or confuse the directory', () => {
    expect(problems({ ...VALID, ADLS_PATH: 'a//b' })[0]).toMatch(/empty segment/);
    expect(problems({ ...VALID, ADLS_PATH: 'a/../b' })[0]).toMatch(/"\." or "\.\." segment/);
  });

  it('never echoes the host storage connection string, which holds an account key', () => {
    const p = problems({ ...VALID, ADLS_FILE_SYSTEM: 'BAD', AzureWebJobsStorage: '' });
    expect(p.join('\n')).not.toContain('c2VjcmV0LWtleQ');
    expect(p.join('\n')).toMatch(/AzureWebJobsStorage is required/);
  });
});
