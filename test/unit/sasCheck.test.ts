import { checkSas, readSas } from '../../src/sas/sasCheck';
import { normalizeSasToken } from '../../src/sas/sasToken';

const NOW = new Date('2026-06-01T00:00:00Z');
const token = (params: Record<string, string>) => new URLSearchParams({ sv: '2026-02-06', sr: 'c', sig: 'c2lnbmF0dXJl', ...params }).toString();
const check = (value: string, loopbackEndpoint = false) => checkSas(value, { now: NOW, warningDays: 7, loopbackEndpoint, where: 'secret "s" in Key Vault https://v' });

describe('SAS token forms', () => {
  it('accepts a bare token, one with a leading "?", and a full SAS URL to the file system', () => {
    const bare = token({ sp: 'cw', se: '2026-12-01T00:00:00Z' });
    expect(normalizeSasToken(bare)).toBe(bare);
    expect(normalizeSasToken(`?${bare}`)).toBe(bare);
    expect(normalizeSasToken(`https://acct.dfs.core.windows.net/audit-output?${bare}`)).toBe(bare);
    expect(readSas(`https://acct.blob.core.windows.net/audit-output?${bare}`)).toMatchObject({ permissions: 'cw', hasSignature: true });
  });
});

describe('checkSas', () => {
  it('passes a Create + Write token that is valid for long enough, with no warnings', () => {
    expect(check(token({ sp: 'cw', se: '2026-12-01T00:00:00Z', spr: 'https' }))).toMatchObject({ errors: [], warnings: [] });
  });

  it('refuses a token without Create or Write, naming what is missing and the secret', () => {
    expect(check(token({ sp: 'c', se: '2026-12-01T00:00:00Z' })).errors).toEqual([
      'the SAS in secret "s" in Key Vault https://v lacks Write permission (sp=c): make a SAS with Create + Write (sp=cw)',
    ]);
    expect(check(token({ sp: 'r', se: '2026-12-01T00:00:00Z' })).errors[0]).toMatch(/lacks Create and Write permission/);
  });

  it('warns about every permission beyond Create + Write, by name', () => {
    const v = check(token({ sp: 'racwdl', se: '2026-12-01T00:00:00Z' }));
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([{ kind: 'over-granted', text: expect.stringMatching(/grants more than the exporter needs: Read, Add, Delete, List;/) }]);
  });

  it('refuses an expired token, naming the secret, the vault and the expiry time', () => {
    expect(check(token({ sp: 'cw', se: '2026-05-31T12:00:00Z' })).errors).toEqual([
      'the SAS in secret "s" in Key Vault https://v expired at 2026-05-31T12:00:00.000Z: create a new SAS and set it as a new version of the secret',
    ]);
  });

  it('warns when the token expires within the warning days', () => {
    expect(check(token({ sp: 'cw', se: '2026-06-04T00:00:00Z' })).warnings).toEqual([
      { kind: 'expiring', text: expect.stringMatching(/expires at 2026-06-04T00:00:00.000Z \(in 3.0 days\): rotate it before then/) },
    ]);
  });

  it('tells an expiry warning from the others by its kind, whatever the text says', () => {
    // A secret whose name reads like the expiry warning must not make the others look like one.
    const v = checkSas(token({ sp: 'racw', se: '2026-06-04T00:00:00Z' }), { now: NOW, warningDays: 7, loopbackEndpoint: false, where: 'secret "rotate it before then"' });
    expect(v.warnings.map((w) => w.kind)).toEqual(['over-granted', 'expiring']);
  });

  it('warns about plain HTTP unless the endpoint is loopback', () => {
    const t = token({ sp: 'cw', se: '2026-12-01T00:00:00Z', spr: 'https,http' });
    expect(check(t).warnings).toEqual([{ kind: 'plain-http', text: expect.stringMatching(/allows plain HTTP \(spr=https,http\)/) }]);
    expect(check(t, true).warnings).toEqual([]);
  });

  it('notes once that a policy-bound token cannot be checked from itself', () => {
    const v = check(token({ si: 'exporter-1' }));
    expect(v.errors).toEqual([]);
    expect(v.warnings).toEqual([{ kind: 'policy-unchecked', text: expect.stringMatching(/takes its permissions and expiry from stored access policy "exporter-1"/) }]);
  });

  it('refuses a value that is not a SAS token at all, without echoing it', () => {
    const v = check('my-password-123');
    expect(v.errors[0]).toMatch(/does not hold a SAS token/);
    expect(v.errors.join()).not.toContain('my-password-123');
  });
});
