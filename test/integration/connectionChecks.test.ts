// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient } from '../../dev/sas';
import type { PeerTimeouts } from '../../src/config/defaults';
import { configId } from '../../src/config/configId';
import { formatReport, testConnection, type ConnectionReport, type TestConnectionOptions } from '../../src/connection/testConnection';
import { hourOf } from '../../src/window/window';
import { startHarness, type Harness } from '../support/exporterHarness';
import { closedPort } from '../support/silentPeer';

const DAY = 86_400_000;
const NOW = Date.now();
const LAST_HOUR = hourOf(new Date(NOW)).getTime() - 3600_000;
/** Quick to give up on a broken peer, long enough for a healthy one on a busy machine. */
const SHORT: Partial<PeerTimeouts> = {
  hostStorage: { tryTimeoutMs: 2000, maxTries: 2, retryDelayMs: 50, maxRetryDelayMs: 100 },
};

/** `2026-03-01T10:30:00` read as local time is `at`: a time without a zone, which a run refuses. */
function withoutZone(at: number): string {
  return new Date(at - new Date(at).getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}
/** In the last full hour, but received a day later: only a test that moves the API's clock past that sees it. */
const UNZONED = { id: 'no-zone-1', eventTimestamp: withoutZone(LAST_HOUR + 1800_000), receivedTimestamp: new Date(NOW + DAY).toISOString(), action: 'QUERY' };

describe('test-connection: the host storage, transient answers, an expiring SAS, and pages a run refuses', () => {
  let h: Harness;
  const env = (extra: Record<string, string> = {}) => exporterEnv(h.stack.info, h.seeded, { ADLS_PATH: 'checks', ...extra });
  const connection = (extra: Record<string, string> = {}, options: Partial<TestConnectionOptions> = {}): Promise<ConnectionReport> =>
    testConnection(env(extra), { abortSignal: AbortSignal.timeout(120_000), timeouts: SHORT, ...options });
  const results = (r: ConnectionReport) => Object.fromEntries(r.checks.map((c) => [c.name, c.result]));
  const check = (r: ConnectionReport, name: string) => r.checks.find((c) => c.name === name)!;
  const printed: string[] = [];

  beforeAll(async () => {
    h = await startHarness({ count: 100, start: new Date(NOW - 3 * 3600_000), spanSeconds: 2.5 * 3600, seed: 41, extraEvents: [UNZONED] });
  });
  afterEach(() => {
    h.stack.auditApi.resetFaults();
    h.stack.auditApi.setNow(null);
  });
  afterAll(() => h?.stop());

  it('state: creates the missing state container, writes a blob, takes and releases a lease on it', async () => {
    const container = adminClient(h.stack.info).getContainerClient('audit-exporter');
    expect(await container.exists()).toBe(false);
    const r = await connection();
    printed.push(formatReport(r));
    expect(results(r)).toEqual({ settings: 'PASS', identity: 'PASS', vault: 'PASS', sas: 'PASS', lake: 'PASS', state: 'PASS', 'audit-api': 'PASS' });
    const probe = `probes/${configId(h.settings({ ADLS_PATH: 'checks' }))}.txt`;
    expect(check(r, 'state').detail).toBe(`created audit-exporter in ${h.stack.info.blobEndpoint}, wrote ${probe}, took and released a lease on it`);
    expect((await container.getBlobClient(probe).getProperties()).leaseState).toBe('available');
    expect(check(await connection(), 'state').detail).toMatch(/^found audit-exporter in /);
  });

  it('state: a wrong account key and a refused endpoint each FAIL, naming AzureWebJobsStorage; the other links still pass', async () => {
    const wrongKey = h.stack.info.azureWebJobsStorage.replace(/AccountKey=[^;]+/, `AccountKey=${Buffer.alloc(64, 7).toString('base64')}`);
    const refusedAt = `http://127.0.0.1:${await closedPort()}/devstoreaccount1`;
    const refused = h.stack.info.azureWebJobsStorage.replace(h.stack.info.blobEndpoint, refusedAt);
    for (const [storage, why] of [[wrongKey, /403 (AuthenticationFailed|AuthorizationFailure)$/], [refused, /ECONNREFUSED/]] as const) {
      const r = await connection({ AzureWebJobsStorage: storage });
      printed.push(formatReport(r));
      expect(results(r)).toMatchObject({ lake: 'PASS', state: 'FAIL', 'audit-api': 'PASS' });
      expect(r.connectionStatus).toBe('FAILED');
      const endpoint = storage === refused ? refusedAt : h.stack.info.blobEndpoint;
      expect(check(r, 'state').detail).toMatch(new RegExp(`^host storage ${endpoint} \\(AzureWebJobsStorage\\): create the state container: `));
      expect(check(r, 'state').detail).toMatch(why);
      expect(check(r, 'state').fix).toMatch(/^check AzureWebJobsStorage/);
    }
  });

  it('audit-api: transient answers are asked again, never sooner than a Retry-After says, and pass', async () => {
    h.stack.auditApi.setFaults({ serverErrors: { count: 1 } });
    expect(check(await connection(), 'audit-api').result).toBe('PASS');
    // Two 429s in a row: an API that still refuses when asked again too soon.
    h.stack.auditApi.setFaults({ rateLimit: { count: 2, retryAfterSeconds: 2 } });
    h.stack.auditApi.resetStats();
    const started = Date.now();
    const r = await connection();
    expect(check(r, 'audit-api').result).toBe('PASS');
    expect(r.connectionStatus).toBe('SUCCESS');
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    expect(h.stack.auditApi.stats().byStatus).toEqual({ '429': 2, '200': 1 });
  });

  it("audit-api: a Retry-After that does not fit in the link's time FAILs at once, saying so", async () => {
    h.stack.auditApi.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 30 } });
    h.stack.auditApi.resetStats();
    const r = await connection({}, { linkTimeoutsMs: { 'audit-api': 5000 } });
    expect(check(r, 'audit-api')).toMatchObject({
      result: 'FAIL',
      detail: expect.stringMatching(/^the audit API answered HTTP 429 at window .*; the wait it asked for \(Retry-After: 30 s\) does not fit in this check's 5 s time-out \(a run waits and retries\)$/),
    });
    expect(h.stack.auditApi.stats().byStatus).toEqual({ '429': 1 });
  });

  it('audit-api: a page a run would refuse FAILs the check, for the reason the run gives', async () => {
    const later = new Date(NOW + 2 * DAY);
    h.stack.auditApi.setNow(later); // the event without a zone has arrived
    const r = await connection();
    expect(check(r, 'audit-api')).toMatchObject({
      result: 'FAIL',
      detail: expect.stringMatching(/^the audit API returned an invalid page at window .*: event \d+ \(id no-zone-1\) has no valid time \(.*\): it must be an instant with a zone$/),
    });
    await expect(h.run(later, { ADLS_PATH: 'refused' })).rejects.toThrow(/\(id no-zone-1\) has no valid time/);
  });

  it('nothing printed holds the account key', () => {
    expect(printed.join('\n')).not.toContain(h.stack.info.accountKey);
    expect(printed.join('\n')).not.toContain(Buffer.alloc(64, 7).toString('base64'));
  });
});
