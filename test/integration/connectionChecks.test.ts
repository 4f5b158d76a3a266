// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient, fileSystemSas } from '../../dev/sas';
import type { PeerTimeouts } from '../../src/config/defaults';
import { configId } from '../../src/config/configId';
import { formatReport, testConnection, type ConnectionReport, type TestConnectionOptions } from '../../src/connection/testConnection';
import { systemClock, type Clock } from '../../src/ports/clock';
import { hourOf } from '../../src/time/window';
import { cli } from '../support/cli';
import { startHarness, type Harness } from '../support/exporterHarness';
import { closedPort } from '../support/silentPeer';
import { Composition } from '../../src/run/composition';
import { loadSettings } from '../../src/config/settings';

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
  const connection = (extra: Record<string, string> = {}, options: Partial<TestConnectionOptions> & { clock?: Clock } = {}): Promise<ConnectionReport> =>
    testConnection(() => new Composition(loadSettings(env(extra)), { timeouts: SHORT, clock: options.clock }), { abortSignal: AbortSignal.timeout(120_000), ...options });
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
    // The waits the check asks its clock for, granted at once: the API refuses twice whatever the time.
    const waits: number[] = [];
    const clock: Clock = { ...systemClock, sleep: (ms, signal) => (waits.push(ms), systemClock.sleep(0, signal)) };
    const r = await connection({}, { clock });
    expect(check(r, 'audit-api').result).toBe('PASS');
    expect(r.connectionStatus).toBe('SUCCESS');
    expect(waits).toEqual([2000, 2000]);
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

  it('audit-api: with EXPORT_INVALID_EVENTS=stop, a page a run would refuse FAILs the check, for the reason the run gives', async () => {
    const later = new Date(NOW + 2 * DAY);
    h.stack.auditApi.setNow(later); // the event without a zone has arrived
    const r = await connection({ EXPORT_INVALID_EVENTS: 'stop' });
    expect(check(r, 'audit-api')).toMatchObject({
      result: 'FAIL',
      detail: expect.stringMatching(/^the audit API returned an invalid page at window .*: event \d+ \(id no-zone-1\) has no valid time \(.*\): it must be an instant with a zone$/),
    });
    await expect(h.run(later, { ADLS_PATH: 'refused', EXPORT_INVALID_EVENTS: 'stop' })).rejects.toThrow(/\(id no-zone-1\) has no valid time/);
  });

  it('audit-api: by default such an event PASSes the check, which says a run keeps it in quarantine; the run does, and ends incomplete', async () => {
    const later = new Date(NOW + 2 * DAY);
    h.stack.auditApi.setNow(later);
    const r = await connection();
    expect(check(r, 'audit-api')).toMatchObject({ result: 'PASS', detail: expect.stringMatching(/\(1 of them cannot be placed, with no valid time or id: a run keeps such events in quarantine\)$/) });
    const summary = await h.run(later, { ADLS_PATH: 'quarantined' });
    expect(summary).toMatchObject({ status: 'incomplete', source: { quarantined: 1 } });
  });

  it('sas: a SAS that works but expires soon is a WARN; the connection is a SUCCESS, exit 0, and status carries the warning', async () => {
    const soon = new Date(Math.floor((Date.now() + 2 * DAY) / 1000) * 1000);
    h.stack.vault.setSecret('expiring-sas', fileSystemSas(h.stack.info, { fileSystem: h.seeded.fileSystem, permissions: 'cw', expiresOn: soon }));
    const expiring = { ADLS_PATH: 'expiring', SAS_SECRET_NAME: 'expiring-sas' };
    const warning = `the SAS in secret "expiring-sas" in Key Vault ${h.stack.info.keyVaultUrl} expires at ${soon.toISOString()} (in 2.0 days): rotate it before then`;

    const r = await cli(['test-connection'], { ...process.env, ...env(expiring) });
    printed.push(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`\nWARN sas       ${warning}\n     fix: create a SAS with a later expiry`);
    expect(r.stdout).toMatch(/^PASS lake +wrote /m);
    expect(r.stdout).toMatch(/\nconnectionStatus: SUCCESS\n$/);

    const status = await cli(['status'], { ...process.env, ...env(expiring) });
    expect(JSON.parse(status.stdout)).toMatchObject({ connectionStatus: 'SUCCESS', warnings: [warning], sasWarnings: [warning] });

    const report = await connection(expiring);
    expect(report.connectionStatus).toBe('SUCCESS');
    expect(check(report, 'sas')).toEqual({ name: 'sas', result: 'WARN', detail: warning, fix: expect.stringMatching(/later expiry/) });
  });

  it('nothing printed holds the account key', () => {
    expect(printed.join('\n')).not.toContain(h.stack.info.accountKey);
    expect(printed.join('\n')).not.toContain(Buffer.alloc(64, 7).toString('base64'));
  });
});
