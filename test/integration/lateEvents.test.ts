// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient } from '../../dev/sas';
import { readStatus } from '../../src/status/statusView';
import { cli } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';
import { Composition } from '../../src/run/composition';

const T0 = new Date('2026-01-10T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('late events', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 600, start: at(0), spanSeconds: 3 * 3600, seed: 11 });
    // A third of the events become visible two minutes after their timestamp.
    h.stack.auditApi.setFaults({ late: { fraction: 0.33, delaySeconds: 120 } });
  });
  afterAll(() => h?.stop());

  it('are all exported when they arrive within EXPORT_LAG_SECONDS', async () => {
    const env = { ADLS_PATH: 'late-ok', EXPORT_LAG_SECONDS: '300' };
    for (const minutes of [37, 75, 111, 150, 190, 240]) await h.run(at(minutes), env);
    h.stack.auditApi.setNow(null);
    expect(allLines(await h.readLake('late-ok'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('are missed when they arrive later than the lag and re-checks are off (EXPORT_RECHECK_HOURS=0)', async () => {
    const env = { ADLS_PATH: 'late-short', EXPORT_LAG_SECONDS: '30', EXPORT_RECHECK_HOURS: '0' };
    for (const minutes of [37, 75, 111, 150, 190, 240]) await h.run(at(minutes), env);
    h.stack.auditApi.setNow(null);
    expect(allLines(await h.readLake('late-short')).length).toBeLessThan(600);
  });

  it('arriving two hours late, are appended once by the re-check, and the lake passes verify; a changed byte or a removed file or manifest does not', async () => {
    h.stack.auditApi.setFaults({ late: { fraction: 0.1, delaySeconds: 7200 } });
    const env = { ADLS_PATH: 'late-recheck' };
    // Runs every 40 minutes through the three hours, then two hours and more after.
    for (const minutes of [40, 80, 120, 160, 200, 330, 400]) await h.run(at(minutes), env);
    h.stack.auditApi.setNow(null);
    const lake = await h.readLake('late-recheck');
    expect([...allLines(lake)].sort()).toEqual(h.apiEvents().map(expectedLine).sort());
    expect([...lake.keys()].some((p) => p.endsWith('-part-0001.ndjson'))).toBe(true);
    const manifests = [...(await h.readManifests('late-recheck')).keys()];
    expect(manifests.some((p) => p.endsWith('manifest-r0002.json'))).toBe(true);

    // status says what the re-checks did, over all runs.
    const status = await readStatus(new Composition(h.settings(env)), { abortSignal: AbortSignal.timeout(30_000), now: at(400) });
    const appended = [...lake.entries()].filter(([p]) => !p.endsWith('-part-0000.ndjson')).reduce((n, [, l]) => n + l.length, 0);
    expect(status.recheckTotals).toMatchObject({ lateFound: appended, lateAppended: appended, hoursCountDown: 0 });
    expect(status.recheckTotals!.hoursChecked).toBeGreaterThan(3);

    const cliEnv = { ...process.env, ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: T0.toISOString(), ...env }) };
    const clean = await cli(['verify', '--to', at(180).toISOString()], cliEnv);
    expect({ code: clean.code, out: clean.stdout }).toEqual({ code: 0, out: expect.stringMatching(/^verify: 3 hours checked \(0 failed\)/m) });
    const container = adminClient(h.stack.info).getContainerClient(h.seeded.fileSystem);
    const late = [...lake.keys()].find((p) => p.endsWith('-part-0001.ndjson'))!;
    const bytes = await container.getBlobClient(late).downloadToBuffer();
    bytes[10] = bytes[10] === 0x41 ? 0x42 : 0x41;
    await container.getBlockBlobClient(late).uploadData(bytes);
    expect((await cli(['verify'], cliEnv)).stdout).toContain(`${late}: bytes [0, `);
    await container.deleteBlob(late);
    expect((await cli(['verify'], cliEnv)).stdout).toContain(`${late}: missing`);
    await container.deleteBlob(manifests.find((p) => p.endsWith('manifest-r0001.json'))!);
    const removed = await cli(['verify'], cliEnv);
    expect(removed.code).toBe(1);
    expect(removed.stdout).toMatch(/^FAIL chain /m);
  });
});
