// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
// The audit API key rotates like the SAS: a refused key is read again from Key Vault once, and a newer version is
// used; a key stored with a trailing newline works.
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-07-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 3 * 3600_000);

describe('the audit API key (bearer) read again from Key Vault when refused', () => {
  let h: Harness;
  const api = () => h.stack.auditApi;
  const secret = () => h.seeded.auditApiKeySecretName;
  const original = () => h.stack.info.auditApiKey;
  beforeAll(async () => {
    h = await startHarness({ count: 300, start: T0, spanSeconds: 2 * 3600, seed: 43 }, { AUDIT_PAGE_SIZE: '10' });
  });
  afterEach(() => {
    api().setApiKey(original());
    h.stack.vault.setSecret(secret(), original());
    api().resetStats();
  });
  afterAll(() => h?.stop());

  it('a key rotated mid-run (the old one refused at once) is picked up: the run finishes, every event once', async () => {
    // Once the run is under way, the API takes a new key and the vault gets it as a new version, together.
    const watch = setInterval(() => {
      if (api().stats().requests >= 8) {
        api().setApiKey('rotated-key-0001');
        h.stack.vault.setSecret(secret(), 'rotated-key-0001');
        clearInterval(watch);
      }
    }, 2);
    try {
      const summary = await h.run(NOW, { ADLS_PATH: 'rotated' });
      expect(summary.status).toBe('caught-up');
    } finally {
      clearInterval(watch);
    }
    expect(api().apiKey).toBe('rotated-key-0001');
    expect(api().stats().byStatus['401']).toBeGreaterThanOrEqual(1);
    expect(h.logs.join('\n')).toMatch(/the audit API refused the API key; using the new version of the secret/);
    expect(allLines(await h.readLake('rotated'))).toEqual(h.apiEvents().map(expectedLine));
    expect(h.logs.join('\n')).not.toContain('rotated-key-0001');
  });

  it('a key refused and not rotated stops the run after one more read of the secret; rotated between runs, the next run finishes', async () => {
    api().setApiKey('rotated-key-0002');
    const reads = () => h.stack.vault.requests().filter((r) => r.method === 'GET' && r.authenticated && r.path.includes(`/secrets/${secret()}`)).length;
    const before = reads();
    await expect(h.run(NOW, { ADLS_PATH: 'not-rotated' })).rejects.toThrow(/the audit API refused the API key \(HTTP 401\)/);
    expect(reads() - before).toBe(2); // the run's own read, and one more on refusal
    expect((await h.readLake('not-rotated')).size).toBe(0);
    h.stack.vault.setSecret(secret(), 'rotated-key-0002');
    expect((await h.run(NOW, { ADLS_PATH: 'not-rotated' })).status).toBe('caught-up');
    expect(allLines(await h.readLake('not-rotated'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('a key stored with a trailing newline is trimmed, as the SAS is', async () => {
    h.stack.vault.setSecret(secret(), `${original()}\n`);
    expect((await h.run(NOW, { ADLS_PATH: 'newline' })).status).toBe('caught-up');
    expect(api().stats().byStatus['401']).toBeUndefined();
    expect(allLines(await h.readLake('newline'))).toEqual(h.apiEvents().map(expectedLine));
  });
});
