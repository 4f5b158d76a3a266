// One lake path, one owner, and a lake that lost its files, end to end on the local stack: two configurations on one
// path, a file system deleted and made again between runs or deleted while a run writes, a foreign file at a target
// path, and verify naming the hours that are gone with their events.
import { exporterEnv } from '../../dev/exporterEnv';
import { startFaultProxy, viaProxy, type FaultProxy } from '../../dev/faultProxy';
import { adminClient, fileSystemSas, setStoredAccessPolicy } from '../../dev/sas';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { configId } from '../../src/config/configId';
import { isExportError } from '../../src/errors';
import { hourFilePath } from '../../src/lake/layout';
import { Composition } from '../../src/run/composition';
import { readStatus } from '../../src/status/statusView';
import { hourOf } from '../../src/time/window';
import { cli, type CliResult } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const HOUR = 3600_000;
const START = new Date(hourOf(new Date()).getTime() - 5 * HOUR);
const NOW = new Date(START.getTime() + 4 * HOUR);

describe('one lake path, one owner; a lake that lost its files', () => {
  let h: Harness;
  let proxy: FaultProxy;
  const admin = () => adminClient(h.stack.info);
  const failure = (run: Promise<unknown>) =>
    run.then(
      (s) => ({ code: 'none', kind: 'none', message: JSON.stringify(s) }),
      (e: unknown) => (isExportError(e) ? { code: e.code, kind: e.kind, message: e.message } : { code: undefined, kind: undefined, message: String(e) }),
    );
  /** Every file under `prefix` in a file system, with its bytes, read with the account key. */
  const snapshot = async (fileSystem: string, prefix: string) => {
    const container = admin().getContainerClient(fileSystem);
    const files = new Map<string, string>();
    for await (const blob of container.listBlobsFlat({ prefix })) files.set(blob.name, (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8'));
    return files;
  };
  /**
   * A file system of the test's own, with the exporter's Create + Write SAS and verify's Read + List SAS in secrets
   * of their own: ad hoc SAS (no stored access policy), so they outlive the file system, as an account SAS would.
   */
  const ownFileSystem = async (name: string, { policy = false } = {}) => {
    const container = admin().getContainerClient(name);
    await container.create();
    // Valid from before the runs' clock (hours back), and long after.
    const times = { startsOn: new Date(START.getTime() - HOUR), expiresOn: new Date(Date.now() + 30 * 24 * HOUR) };
    if (policy) await setStoredAccessPolicy(h.stack.info, name, { id: `${name}-policy`, permissions: 'cw', ...times });
    const sas = policy ? fileSystemSas(h.stack.info, { fileSystem: name, policyId: `${name}-policy` }) : fileSystemSas(h.stack.info, { fileSystem: name, permissions: 'cw', ...times });
    h.stack.vault.setSecret(`${name}-sas`, sas);
    h.stack.vault.setSecret(`${name}-verify`, fileSystemSas(h.stack.info, { fileSystem: name, permissions: 'rl', ...times }));
    return { container, env: { ADLS_FILE_SYSTEM: name, SAS_SECRET_NAME: `${name}-sas`, VERIFY_SAS_SECRET_NAME: `${name}-verify` } };
  };
  const verify = (extra: Record<string, string>): Promise<CliResult> =>
    cli(['verify'], { ...process.env, ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ...extra }) });
  const line = (r: CliResult, name: string) => r.stdout.split('\n').find((l) => l.split(' ').filter(Boolean)[1] === name);
  const label = (hour: number) => new Date(hour).toISOString().slice(0, 13);
  /** Events the API holds per hour (ms → count). */
  const perHour = () => {
    const counts = new Map<number, number>();
    for (const json of h.apiEvents()) {
      const hour = hourOf(new Date((JSON.parse(json) as { eventTimestamp: string }).eventTimestamp)).getTime();
      counts.set(hour, (counts.get(hour) ?? 0) + 1);
    }
    return counts;
  };

  beforeAll(async () => {
    h = await startHarness({ count: 300, start: START, spanSeconds: 3 * 3600, seed: 31 });
    proxy = await startFaultProxy({ target: new URL(h.stack.info.dfsEndpoint).origin });
  });
  afterEach(() => proxy.clearRules());
  afterAll(async () => {
    await proxy?.stop();
    await h?.stop();
  });

  it('a second configuration on the same path refuses before writing anything, naming itself; verify names the owner', async () => {
    const a = { ADLS_PATH: 'shared' };
    // Another deployment: the same file system and path reached through another endpoint, so another configId.
    const b = { ADLS_PATH: 'shared', ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, proxy) };
    const [idA, idB] = [configId(h.settings(a)), configId(h.settings(b))];
    expect((await h.run(NOW, a)).status).toBe('caught-up');
    const before = await snapshot(h.seeded.fileSystem, 'shared/');
    expect(JSON.parse(before.get('shared/_owner')!)).toMatchObject({ configId: idA, fileSystem: h.seeded.fileSystem, path: 'shared' });

    const refused = await failure(h.run(NOW, b));
    expect(`${refused.code}/${refused.kind}`).toBe('LakePathClaimed/permanent');
    expect(refused.message).toContain(`${h.seeded.fileSystem}/shared belongs to another export configuration: shared/_owner exists and this configuration never claimed it, so this configuration (configId ${idB}) writes nothing there`);
    expect(await snapshot(h.seeded.fileSystem, 'shared/')).toEqual(before);

    const byB = await verify(b);
    expect(line(byB, 'owner')).toBe(`FAIL owner shared/_owner: the path belongs to configId "${idA}", not this configuration (configId ${idB}): only the owner writes here`);
    const byA = await verify(a);
    expect(byA.code).toBe(0);
    expect(line(byA, 'owner')).toBe('OK  owner shared/_owner');
  });

  it('a foreign file at a target path (written through the Blob API) stops the run with the documented message, and is left as it was', async () => {
    const target = hourFilePath('foreign', START, 0);
    const foreign = '{"written":"by another tool"}\n';
    await admin().getContainerClient(h.seeded.fileSystem).getBlockBlobClient(target).upload(foreign, foreign.length);
    const stopped = await failure(h.run(NOW, { ADLS_PATH: 'foreign' }));
    expect(`${stopped.code}/${stopped.kind}`).toBe('FileExists/permanent');
    expect(stopped.message).toBe(`${target} already exists and holds data this exporter did not record; move it aside (or point ADLS_PATH elsewhere) and run again`);
    expect((await snapshot(h.seeded.fileSystem, target)).get(target)).toBe(foreign);
  });

  it('the file system deleted and made again between runs: LakePathReset, nothing written; status and verify name the hours gone, with their events', async () => {
    const fs = await ownFileSystem('lost-between');
    const env = { ...fs.env, ADLS_PATH: 'between', EXPORT_RECHECK_HOURS: '3' };
    expect((await h.run(NOW, env)).status).toBe('caught-up');
    const held = decodeCheckpoint((await h.checkpointBlob(env).downloadToBuffer()).toString('utf8'));
    const recorded = (held.recent ?? []).map((r) => r.record);
    expect(recorded.length).toBe(3);
    await fs.container.delete();
    await fs.container.create();

    const later = new Date(NOW.getTime() + HOUR);
    const stopped = await failure(h.run(later, env));
    expect(`${stopped.code}/${stopped.kind}`).toBe('LakePathReset/permanent');
    expect(stopped.message).toContain('lost-between/between was emptied or replaced');
    expect(stopped.message).toContain('then "audit-export checkpoint reset --start <the first missing hour>"');
    expect([...(await snapshot('lost-between', 'between/')).keys()]).toEqual(['between/_owner']);
    // And again: every run stops until the checkpoint is reset.
    expect((await failure(h.run(later, env))).code).toBe('LakePathReset');

    const counts = perHour();
    const status = await readStatus(new Composition(h.settings(env)), { abortSignal: AbortSignal.timeout(30_000) });
    expect(status.lastRun).toMatchObject({ failureCode: 'LakePathReset' });
    expect(status.lakeReset).toMatchObject({ from: START.toISOString(), to: held.watermark, manifests: held.chain!.manifests });
    expect(status.lakeReset!.hours.filter((x) => x.events > 0)).toEqual(recorded.map((r) => ({ hour: r.hour, events: counts.get(Date.parse(r.hour)), files: 1 })));

    const r = await verify(env);
    expect(r.code).toBe(1);
    for (const record of recorded) {
      const hour = Date.parse(record.hour);
      expect(line(r, label(hour))).toBe(`FAIL ${label(hour)} lost: the checkpoint records ${counts.get(hour)} events here, and the lake is missing its manifest, ${record.parts[0]!.path} (${counts.get(hour)} events)`);
    }
    expect(line(r, 'chain')).toMatch(/^FAIL chain .* deleted/);
  });

  it('one hour of the lake deleted: verify names it with its events', async () => {
    const env = { ADLS_PATH: 'lost-hour', EXPORT_RECHECK_HOURS: '3' };
    expect((await h.run(NOW, env)).status).toBe('caught-up');
    const held = decodeCheckpoint((await h.checkpointBlob(env).downloadToBuffer()).toString('utf8'));
    const record = held.recent![1]!.record;
    const hour = Date.parse(record.hour);
    const container = admin().getContainerClient(h.seeded.fileSystem);
    const folder = hourFilePath('lost-hour', new Date(hour), 0).replace(/\/[^/]+$/, '/');
    const gone = [...(await snapshot(h.seeded.fileSystem, folder)).keys(), ...(await snapshot(h.seeded.fileSystem, `lost-hour/_manifests/${folder.slice('lost-hour/'.length)}`)).keys()];
    expect(gone.length).toBe(2);
    for (const path of gone) await container.getBlobClient(path).delete();
    const r = await verify(env);
    expect(r.code).toBe(1);
    const events = perHour().get(hour);
    expect(line(r, label(hour))).toBe(`FAIL ${label(hour)} lost: the checkpoint records ${events} events here, and the lake is missing its manifest, ${record.parts[0]!.path} (${events} events)`);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('FAIL ') && !l.startsWith('FAIL chain'))).toHaveLength(1);
  });

  it('the file system deleted while a run writes: the next write fails naming the file system; made again, the next run stops with LakePathReset', async () => {
    const fs = await ownFileSystem('lost-midrun');
    const env = { ...fs.env, ADLS_PATH: 'midrun', EXPORT_BATCH_MAX_BYTES: '4096', ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, proxy) };
    // Held at its second batch's flush: the first batch is in.
    proxy.setRules([{ query: { action: 'flush' }, pathIncludes: '.ndjson', fault: 'delay', delayMs: 600_000, skip: 1, count: 1 }]);
    const running = failure(h.run(NOW, env));
    await Promise.race([proxy.whenFaulted(), running.then((o) => Promise.reject(new Error(`the run ended before its second flush: ${JSON.stringify(o)}`)))]);
    expect(allLines(new Map([...(await snapshot('lost-midrun', 'midrun/year=')).entries()].map(([k, v]) => [k, v.split('\n').slice(0, -1)]))).length).toBeGreaterThan(0);
    await fs.container.delete();
    proxy.forwardDelayed();
    const failed = await running;
    expect(`${failed.code}/${failed.kind}`).toBe('FileSystemNotFound/permanent');
    expect(failed.message).toMatch(/^flush midrun\/year=\S+ at \d+: 404 \w+NotFound: the file system "lost-midrun" does not exist; create it, or fix ADLS_FILE_SYSTEM$/);
    expect(failed.message).not.toMatch(/SAS/);

    await fs.container.create();
    const stopped = await failure(h.run(NOW, env));
    expect(stopped.code).toBe('LakePathReset');
    expect([...(await snapshot('lost-midrun', 'midrun/')).keys()]).toEqual(['midrun/_owner']);
    // What the first run wrote is gone, and the export says so rather than go on.
    expect(h.apiEvents().map(expectedLine).length).toBeGreaterThan(0);
  });

  it('the same with a SAS bound to a stored access policy (deleted with its file system): the error names the file system and path, not only the SAS', async () => {
    const fs = await ownFileSystem('lost-policy', { policy: true });
    const env = { ...fs.env, ADLS_PATH: 'policy', EXPORT_BATCH_MAX_BYTES: '4096', ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, proxy) };
    proxy.setRules([{ query: { action: 'flush' }, pathIncludes: '.ndjson', fault: 'delay', delayMs: 600_000, skip: 1, count: 1 }]);
    const running = failure(h.run(NOW, env));
    await Promise.race([proxy.whenFaulted(), running.then((o) => Promise.reject(new Error(`the run ended before its second flush: ${JSON.stringify(o)}`)))]);
    await fs.container.delete();
    proxy.forwardDelayed();
    const failed = await running;
    expect(`${failed.code}/${failed.kind}`).toBe('SasRejected/permanent');
    expect(failed.message).toMatch(/which it had taken earlier in this run \(flush policy\/year=\S+ at \d+: 403 AuthenticationFailed\): the file system "lost-policy" may have been deleted/);
  });
});
