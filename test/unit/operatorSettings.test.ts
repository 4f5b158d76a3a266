// Settings that would lose data or leak a secret are refused, naming the setting and never echoing a password.
import { parseExportConfig } from '../../src/config/exportConfig';
import { loadSettings, SettingsError } from '../../src/config/settings';
import { redact } from '../../src/redact';
import { VALID_SETTINGS } from '../support/validSettings';

const NOW = new Date('2026-12-01T12:00:00Z');
const VALID = VALID_SETTINGS;

function problems(env: Record<string, string>): string[] {
  try {
    loadSettings({ ...VALID, ...env }, NOW);
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return [...(error as SettingsError).problems];
  }
  return [];
}

describe('EXPORT_START', () => {
  it('refuses a start later than now: it would skip every event until then', () => {
    expect(problems({ EXPORT_START: '2027-12-01T00:00:00Z' })).toEqual([
      'EXPORT_START is in the future (2027-12-01T00:00:00.000Z, now 2026-12-01T12:00:00.000Z): a start later than now would skip every event until then; give a time in the past',
    ]);
  });
  it('refuses year 0000 and anything before 2000 as a typo', () => {
    expect(problems({ EXPORT_START: '0000-01-01T00:00:00Z' })).toEqual([expect.stringMatching(/^EXPORT_START is before 2000-01-01/)]);
    expect(problems({ EXPORT_START: '1970-01-01T00:00:00Z' })).toEqual([expect.stringMatching(/^EXPORT_START is before 2000-01-01/)]);
    expect(problems({ EXPORT_START: '2026-11-30T00:00:00Z' })).toEqual([]);
  });
  it('config validate refuses the same', () => {
    const config = {
      storageAccount: 'auditlake01', fileSystem: 'audit-output', path: 'p',
      sasToken: { keyVaultUrl: 'https://v.vault.azure.net', secretName: 's' }, auditApi: { url: 'https://i.example.com' }, exportStart: '2099-01-01T00:00:00Z',
    };
    expect(() => parseExportConfig(JSON.stringify(config), 'c.json')).toThrow(/exportStart is in the future \(2099-01-01T00:00:00\.000Z/);
  });
});

describe('URL settings', () => {
  it.each(['AUDIT_API_URL', 'KEY_VAULT_URL'])('%s with a user name and password is refused without echoing them', (name) => {
    const found = problems({ [name]: 'https://admin:pw-s3cret@host.example.com' });
    expect(found).toEqual([`${name} must not carry a user name or password (keep credentials in Key Vault): give the ${name === 'AUDIT_API_URL' ? 'audit API' : 'Key Vault, e.g. https://your-vault.vault.azure.net'}'s URL without "user:password@"`]);
    expect(found.join()).not.toContain('pw-s3cret');
  });
  it('ADLS_DFS_ENDPOINT with one too', () => {
    const { ADLS_ACCOUNT_NAME: _, ...rest } = VALID;
    expect(() => loadSettings({ ...rest, ADLS_DFS_ENDPOINT: 'https://u:p4ss@acct.dfs.core.windows.net' }, NOW)).toThrow(/ADLS_DFS_ENDPOINT must not carry a user name or password/);
  });
  it.each(['https://immuta.example.com/?x=1', 'https://immuta.example.com/#f', 'https://immuta.example.com/api?'])('AUDIT_API_URL %s (a query or fragment) is refused', (url) => {
    expect(problems({ AUDIT_API_URL: url })).toEqual([expect.stringMatching(/^AUDIT_API_URL must be the audit API's base URL, without a query or fragment/)]);
  });
  it('the redaction point strips user:password@ from any URL it sees', () => {
    expect(redact('GET http://admin:pw@127.0.0.1:1/audit failed; vault https://user:pass@kv.example.net/secrets')).toBe(
      'GET http://REDACTED@127.0.0.1:1/audit failed; vault https://REDACTED@kv.example.net/secrets',
    );
  });
});

describe('AzureWebJobsStorage', () => {
  it.each([
    ['not-a-connection-string', 'AzureWebJobsStorage is not a storage connection string: a part has no "name=value"'],
    ['DefaultEndpointsProtocol=https;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net', 'AzureWebJobsStorage is not a storage connection string: it has no AccountName'],
    ['DefaultEndpointsProtocol=https;AccountName=host01;EndpointSuffix=core.windows.net', 'AzureWebJobsStorage has neither AccountKey nor SharedAccessSignature'],
    ['DefaultEndpointsProtocol=https;AccountName=host01;AccountKey=not base64!;EndpointSuffix=core.windows.net', 'AzureWebJobsStorage has an AccountKey that is not base64'],
    ['AccountName=host01;AccountKey=c2VjcmV0;BlobEndpoint=not a url', 'AzureWebJobsStorage has a BlobEndpoint that is not a URL'],
  ])('%s: names the setting and what is wrong, never its value', (value, message) => {
    const found = problems({ AzureWebJobsStorage: value });
    expect(found).toEqual([expect.stringContaining(message)]);
    expect(found.join()).not.toContain('c2VjcmV0');
  });
  it('accepts the emulator shorthand and Azurite-style connection strings', () => {
    expect(problems({ AzureWebJobsStorage: 'UseDevelopmentStorage=true' })).toEqual([]);
    expect(problems({ AzureWebJobsStorage: 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;' })).toEqual([]);
  });
});
