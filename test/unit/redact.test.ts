import { inspect } from 'node:util';
import { SecretValue, redact, registerSecret, safeUrl } from '../../src/redact';

describe('redaction', () => {
  it('removes SAS signatures and other secret query values, keeping what helps debugging', () => {
    const url = 'https://a.dfs.core.windows.net/fs/p?sv=2026-02-06&sp=cw&se=2026-12-01T00%3A00%3A00Z&sr=c&sig=abc%2Bdef%3D';
    const out = redact(`failed: ${url}`);
    expect(out).not.toContain('abc%2Bdef');
    expect(out).toContain('sp=cw');
    expect(out).toContain('sig=REDACTED');
  });
  it('removes bearer tokens, SharedKey signatures and account keys', () => {
    expect(redact('Authorization: Bearer eyJhbGciOi.abc.def')).toBe('Authorization: Bearer REDACTED');
    expect(redact('SharedKey devstoreaccount1:c2lnbmF0dXJl')).toBe('SharedKey devstoreaccount1:REDACTED');
    expect(redact('AccountName=x;AccountKey=a2V5PT0=;EndpointSuffix=y')).toBe('AccountName=x;AccountKey=REDACTED;EndpointSuffix=y');
  });
  it('removes registered secret values wherever they appear', () => {
    registerSecret('api-key-0123456789');
    expect(redact('got 401 for api-key-0123456789 (api-key-0123456789)')).toBe('got 401 for [REDACTED] ([REDACTED])');
  });
  it('SecretValue never prints its value, only reveal() gives it', () => {
    const s = new SecretValue('sv=x&sig=topsecretsignature');
    expect(String(s)).toBe('[REDACTED]');
    expect(JSON.stringify({ s })).toBe('{"s":"[REDACTED]"}');
    expect(inspect({ s })).not.toContain('topsecret');
    expect(s.reveal()).toBe('sv=x&sig=topsecretsignature');
    expect(redact('x topsecretsignature y')).not.toContain('topsecret');
  });
  it('safeUrl drops the query string', () => {
    expect(safeUrl('https://h/p?sig=x')).toBe('https://h/p');
    expect(safeUrl('https://h/p')).toBe('https://h/p');
  });
});
