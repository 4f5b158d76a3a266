import { checkVerifySas, verifySasSecretName } from '../../src/verify/verifySas';

const NOW = new Date('2026-12-01T12:00:00Z');
const WHERE = 'secret "v" in Key Vault https://kv';
const sas = (params: string) => `sv=2026-02-06&sr=c&${params}&sig=abc%2Bdef`;

describe('the SAS verify reads the lake with', () => {
  it('must be set, and not the exporter\'s', () => {
    expect(verifySasSecretName({ verifySasSecretName: 'audit-verify-sas', sasSecretName: 'audit-export-sas' })).toBe('audit-verify-sas');
    expect(() => verifySasSecretName({ sasSecretName: 'audit-export-sas' })).toThrow(/VERIFY_SAS_SECRET_NAME is required for verify: .*Read \+ List/);
    expect(() => verifySasSecretName({ verifySasSecretName: 'audit-export-sas', sasSecretName: 'audit-export-sas' })).toThrow(/the exporter's own SAS/);
  });

  it('needs Read and List; anything that writes is warned about; expiry and a bound policy are judged like the exporter\'s', () => {
    expect(checkVerifySas(sas('sp=rl&se=2027-01-01T00:00:00Z'), NOW, WHERE)).toEqual({ errors: [], warnings: [] });
    expect(checkVerifySas(sas('si=verifier-1'), NOW, WHERE)).toEqual({ errors: [], warnings: [] });
    expect(checkVerifySas(sas('sp=cw&se=2027-01-01T00:00:00Z'), NOW, WHERE).errors).toEqual([expect.stringMatching(/lacks Read and List permission \(sp=cw\)/)]);
    expect(checkVerifySas(sas('sp=rwl&se=2027-01-01T00:00:00Z'), NOW, WHERE).warnings).toEqual([`the SAS in ${WHERE} also grants Write: an auditor's SAS should grant Read + List only`]);
    expect(checkVerifySas(sas('sp=rl&se=2026-11-01T00:00:00Z'), NOW, WHERE).errors).toEqual([expect.stringMatching(/has expired/)]);
    expect(checkVerifySas('sp=rl', NOW, WHERE).errors).toEqual([expect.stringMatching(/does not hold a SAS token/)]);
  });
});
