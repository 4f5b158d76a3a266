// Immuta's token authentication end to end: the key is exchanged for a token, a token that expires mid-run is
// renewed, a key rotated mid-run is read again from Key Vault, and a refused exchange says so.
import { startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-05-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 4 * 3600_000);
const SPAN = 3 * 3600;

describe('Immuta token authentication end to end', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 400, start: T0, spanSeconds: SPAN, seed: 17, kind: 'immuta-legacy' }, { AUDIT_PAGE_SIZE: '10' }, { auditAuth: 'immuta-token' });
  });
  afterAll(() => h?.stop());

  it('exchanges the key once, renews a token that expires mid-run, and loses nothing', async () => {
    const api = h.stack.auditApi;
    // Expire every token once the run is under way: the next request is refused, the key exchanged anew, the request repeated.
    const watch = setInterval(() => {
      if (api.stats().requests >= 12) {
        api.expireTokens();
        clearInterval(watch);
      }
    }, 2);
    try {
      const summary = await h.run(NOW, { ADLS_PATH: 'token' });
      expect(summary.status).toBe('caught-up');
    } finally {
      clearInterval(watch);
    }
    const lines = [...(await h.readLake('token')).values()].flat();
    expect([...lines].sort()).toEqual(h.apiEvents().map((j) => JSON.stringify(JSON.parse(j))).sort());
    expect(api.stats().tokenExchanges).toBe(2);
    expect(api.stats().byStatus['401']).toBeGreaterThanOrEqual(1);
    // The token is a secret like the key: it never shows in a log line.
    expect(h.logs.join('\n')).not.toMatch(/Bearer (?!REDACTED)/);
  });

  it('a key the exchange refuses fails the run, saying so with the HTTP status', async () => {
    h.stack.vault.setSecret(h.seeded.auditApiKeySecretName, 'not-the-key-at-all');
    try {
      await expect(h.run(NOW, { ADLS_PATH: 'token-refused' })).rejects.toThrow(/refused to exchange the API key for a token at .*\/bim\/apikey\/authenticate \(HTTP 401\)/);
    } finally {
      h.stack.vault.setSecret(h.seeded.auditApiKeySecretName, h.stack.info.auditApiKey);
    }
  });

  it('a key rotated mid-run (tokens revoked, the old key refused at the exchange) is read again from Key Vault: the run finishes, every event once', async () => {
    const api = h.stack.auditApi;
    const name = h.seeded.auditApiKeySecretName;
    api.resetStats();
    const watch = setInterval(() => {
      if (api.stats().requests >= 12) {
        api.setApiKey('rotated-token-key-01');
        h.stack.vault.setSecret(name, 'rotated-token-key-01');
        api.expireTokens();
        clearInterval(watch);
      }
    }, 2);
    try {
      const summary = await h.run(NOW, { ADLS_PATH: 'token-rotated' });
      expect(summary.status).toBe('caught-up');
    } finally {
      clearInterval(watch);
      api.setApiKey(h.stack.info.auditApiKey);
      h.stack.vault.setSecret(name, h.stack.info.auditApiKey);
    }
    const lines = [...(await h.readLake('token-rotated')).values()].flat();
    expect([...lines].sort()).toEqual(h.apiEvents().map((j) => JSON.stringify(JSON.parse(j))).sort());
    // Tokens issued: the run's first, and one for the new key (the exchange with the old key was refused).
    expect(api.stats().tokenExchanges).toBe(2);
    expect(h.logs.join('\n')).toMatch(/the audit API refused the API key; using the new version of the secret/);
  });
});
