// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { randomUUID } from 'node:crypto';
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient } from '../../dev/sas';
import { BlobCheckpointStore } from '../../src/adapters/azure/blobCheckpointStore';
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import type { Checkpoint } from '../../src/checkpoint/checkpoint';
import { configId } from '../../src/config/configId';
import { loadSettings } from '../../src/config/settings';
import { cli as runCli, summaryOf } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';
import { StateContainer } from '../../src/adapters/azure/hostStorage';

const HOUR = 3600_000;
// Whole hours, ending an hour before now: a real-clock run exports every event.
const START = new Date(Math.floor(Date.now() / HOUR) * HOUR - 5 * HOUR);
const at = (ms: number) => new Date(START.getTime() + ms);
const MIN = 60_000;
const opts = () => ({ abortSignal: AbortSignal.timeout(30_000) });

describe('audit-export checkpoint show / reset / acknowledge', () => {
  let h: Harness;
  const env = (path: string): NodeJS.ProcessEnv => ({
    ...process.env,
    ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: path }),
  });
  const cli = (path: string, ...args: string[]) => runCli(args, env(path));
  const cliWith = (path: string, extra: Record<string, string>, ...args: string[]) => runCli(args, { ...env(path), ...extra });
  const settings = (path: string) => loadSettings(exporterEnv(h.stack.info, h.seeded, { ADLS_PATH: path }));
  const store = (path: string) => new BlobCheckpointStore({ state: new StateContainer(settings(path).stateStorage), configId: configId(settings(path)) });
  const blob = (path: string) => adminClient(h.stack.info).getContainerClient(STATE_CONTAINER).getBlockBlobClient(`checkpoints/${configId(settings(path))}.json`);
  const stored = async (path: string) => (await store(path).load(opts()))!;
  const timeOf = (json: string) => Date.parse((JSON.parse(json) as { eventTimestamp: string }).eventTimestamp);
  const eventsWhere = (keep: (t: number) => boolean) => h.apiEvents().filter((e) => keep(timeOf(e))).map(expectedLine);
  /** A run's lease, taken as a run takes it (the blob lease client), released by the test. */
  const takeLease = async (path: string) => {
    const lease = blob(path).getBlobLeaseClient(randomUUID());
    await lease.acquireLease(15);
    return lease;
  };
  /** Moves hour directories from `from` on out of ADLS_PATH, as an operator would before exporting them again. */
  const moveAside = async (path: string, from: Date) => {
    const container = adminClient(h.stack.info).getContainerClient(h.seeded.fileSystem);
    const hourOf = (name: string) => Date.parse(name.replace(/^.*year=(\d+)\/month=(\d+)\/day=(\d+)\/hour=(\d+)\/.*$/, '$1-$2-$3T$4:00:00Z'));
    for await (const item of container.listBlobsFlat({ prefix: `${path}/` })) {
      // Hour files and manifests from `from` on; not _owner, the path's claim (moved, the path would be found emptied).
      if (!(hourOf(item.name) >= from.getTime())) continue;
      const body = await container.getBlobClient(item.name).downloadToBuffer();
      await container.getBlockBlobClient(`moved-aside/${item.name}`).upload(body, body.length);
      await container.deleteBlob(item.name);
    }
  };

  beforeAll(async () => {
    h = await startHarness({ count: 400, start: START, spanSeconds: 4 * 3600, seed: 41 });
  });
  afterAll(() => h?.stop());

  it('help lists the checkpoint commands; an unknown checkpoint command is a usage error (exit 2)', async () => {
    const help = await cli('none', 'help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^  checkpoint show \[--config FILE\]$/m);
    expect(help.stdout).toMatch(/^  checkpoint reset --start ISO \[--yes\] \[--config FILE\]$/m);
    expect(help.stdout).toMatch(/^  checkpoint acknowledge --hour ISO \[--by NAME\] \[--config FILE\]$/m);
    expect((await cli('none', 'checkpoint', 'delete')).code).toBe(2);
  });

  it('show with no checkpoint says so, naming the export configuration and where the first run starts', async () => {
    const r = await cli('none', 'checkpoint', 'show');
    expect(r.code).toBe(0);
    const id = configId(settings('none'));
    expect(r.stdout).toBe(`no checkpoint for export configuration ${id} (${STATE_CONTAINER}/checkpoints/${id}.json): the next run starts at EXPORT_START, ${START.toISOString()}\n`);
  });

  it('show after a run: the stored checkpoint with its ETag and configuration id; whether a run holds the lease', async () => {
    const run = await cli('shown', 'run');
    expect(run.code).toBe(0);
    const r = await cli('shown', 'checkpoint', 'show');
    expect(r.code).toBe(0);
    const view = JSON.parse(r.stdout);
    const id = configId(settings('shown'));
    expect(view).toEqual({
      configId: id, blob: `${STATE_CONTAINER}/checkpoints/${id}.json`, leased: false,
      etag: (await blob('shown').getProperties()).etag, checkpoint: (await stored('shown')).checkpoint,
    });
    expect(view.checkpoint.watermark).toBe(summaryOf(run.stdout).watermark);
    const lease = await takeLease('shown');
    try {
      expect(JSON.parse((await cli('shown', 'checkpoint', 'show')).stdout).leased).toBe(true);
    } finally {
      await lease.releaseLease();
    }
  });

  it('reset without --yes prints what it would replace and write, changes nothing, and asks for --yes (exit 2)', async () => {
    const before = await stored('shown');
    const target = at(2 * HOUR).toISOString();
    const r = await cli('shown', 'checkpoint', 'reset', '--start', target);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines[1]).toBe(`would replace (ETag ${before.etag}): ${JSON.stringify(before.checkpoint)}`);
    // The manifests' chain goes on from where it stood.
    // The manifests' chain goes on, and the closed hours before --start stay re-checkable.
    expect(lines[2]!.startsWith('would write: ')).toBe(true);
    const written = JSON.parse(lines[2]!.slice('would write: '.length)) as Checkpoint;
    expect(written).toEqual({ version: 2, origin: target, watermark: target, chain: before.checkpoint.chain, recent: expect.any(Array), claim: before.checkpoint.claim });
    expect(written.recent!.every((r) => Date.parse(r.record.hour) + 3600_000 <= Date.parse(target))).toBe(true);
    expect(r.stderr).toMatch(/^warning: --start .* is before where the export stood/m);
    expect(r.stderr).toMatch(/audit-export: nothing changed: run again with --yes to replace the checkpoint\n$/);
    expect(await stored('shown')).toEqual(before);
  });

  it('reset is refused while a run holds the lease, with or without --yes; nothing changes', async () => {
    const before = await stored('shown');
    const lease = await takeLease('shown');
    try {
      for (const yes of [['--yes'], []]) {
        const r = await cli('shown', 'checkpoint', 'reset', '--start', at(HOUR).toISOString(), ...yes);
        expect(r.code).toBe(1);
        expect(r.stderr).toBe('audit-export: another export run holds the lease; try again when it ends\n');
      }
    } finally {
      await lease.releaseLease();
    }
    expect(await stored('shown')).toEqual(before);
  });

  it('reset refuses a start in the future, before 2000, or without a zone (exit 2); nothing changes', async () => {
    const before = await stored('shown');
    const cases: Array<[string, RegExp]> = [
      [new Date(Date.now() + HOUR).toISOString(), /--start is in the future \(/],
      ['1999-12-31T00:00:00Z', /--start is before 2000-01-01 \(1999-12-31T00:00:00.000Z\): check the year/],
      ['2026-01-01T00:00:00', /must be an ISO-8601 time with a zone/],
    ];
    for (const [start, message] of cases) {
      const r = await cli('shown', 'checkpoint', 'reset', '--start', start, '--yes');
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await cli('shown', 'checkpoint', 'reset', '--yes')).stderr).toMatch(/checkpoint reset needs --start/);
    expect(await stored('shown')).toEqual(before);
  });

  it('reset --yes where none is stored: the next run exports from --start exactly, nothing before', async () => {
    const start = at(HOUR + 37 * MIN + 13_500);
    const r = await cli('fresh', 'checkpoint', 'reset', '--start', start.toISOString(), '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^replaced: nothing \(no checkpoint was stored\)$/m);
    expect(r.stdout).toMatch(new RegExp(`^wrote \\(ETag "[^"]+"\\): \\{"version":2,"origin":"${start.toISOString()}","watermark":"${start.toISOString()}"\\}$`, 'm'));
    expect((await cli('fresh', 'run')).code).toBe(0);
    const expected = eventsWhere((t) => t >= start.getTime());
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(h.apiEvents().length);
    expect(allLines(await h.readLake('fresh'))).toEqual(expected);
  });

  it('reset back: the run refuses to write over the old files; once they are moved aside it exports from --start once', async () => {
    expect((await cli('back', 'run')).code).toBe(0);
    const all = h.apiEvents().map(expectedLine);
    expect(allLines(await h.readLake('back'))).toEqual(all);
    const start = at(2 * HOUR);
    const reset = await cli('back', 'checkpoint', 'reset', '--start', start.toISOString(), '--yes');
    expect(reset.code).toBe(0);
    expect(reset.stderr).toMatch(/Move the hour files from back\/year=\d+\/month=\d+\/day=\d+\/hour=\d+\/ on out of ADLS_PATH/);

    const refused = await cli('back', 'run');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/already exists and holds data this exporter did not record; move it aside/);
    expect(allLines(await h.readLake('back'))).toEqual(all);

    await moveAside('back', start);
    expect(allLines(await h.readLake('back'))).toEqual(eventsWhere((t) => t < start.getTime()));
    expect((await cli('back', 'run')).code).toBe(0);
    expect(allLines(await h.readLake('back'))).toEqual(all);
  });

  it('reset ahead within the open hour skips the range and goes on filling the same file', async () => {
    const stood = at(2 * HOUR + 15 * MIN);
    // A run at 2h20m with the default 5-minute lag stops at 2h15m, part-way through its hour file.
    expect((await h.run(at(2 * HOUR + 20 * MIN), { ADLS_PATH: 'ahead' })).watermark).toBe(stood.toISOString());
    h.stack.auditApi.setNow(null);
    const file = (await stored('ahead')).checkpoint.file!;
    const start = at(2 * HOUR + 40 * MIN);
    const r = await cli('ahead', 'checkpoint', 'reset', '--start', start.toISOString(), '--yes');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`the next run goes on filling ${file.path} from its committed length, ${file.length} bytes`);
    expect(r.stderr).toContain(`warning: --start ${start.toISOString()} is after where the export stood (${stood.toISOString()})`);
    expect((await cli('ahead', 'run')).code).toBe(0);
    const lake = await h.readLake('ahead');
    expect([...lake.keys()].filter((p) => p.includes('-part-0001'))).toEqual([]);
    expect(allLines(lake)).toEqual(eventsWhere((t) => t < stood.getTime() || t >= start.getTime()));
  });

  it('reset reports a pending write (the file to check, and its lengths) and the noticed hours it drops and keeps', async () => {
    expect((await cli('noticed', 'run')).code).toBe(0);
    const { checkpoint, etag } = await stored('noticed');
    const file = checkpoint.file!;
    const noticed = [
      { hour: at(HOUR).toISOString(), missing: 4, noticedAt: at(2 * HOUR).toISOString() },
      { hour: at(3 * HOUR).toISOString(), missing: 2, noticedAt: at(4 * HOUR).toISOString() },
    ];
    // As a run whose count check noticed missing events, and which died between its intent and its flush, leaves it.
    const crafted: Checkpoint = {
      ...checkpoint, noticed,
      intent: { file: { ...file, length: file.length + 99 }, create: false, from: file.length, to: file.length + 99, events: 1, next: { watermark: checkpoint.watermark } },
    };
    await store('noticed').save(crafted, etag, opts());
    const r = await cli('noticed', 'checkpoint', 'reset', '--start', at(2 * HOUR).toISOString(), '--yes');
    expect(r.code).toBe(0);
    const replaced = r.stdout.split('\n').find((l) => l.startsWith('replaced (ETag '))!;
    expect(JSON.parse(replaced.slice(replaced.indexOf('): ') + 3))).toEqual(crafted);
    expect(r.stderr).toContain(`warning: the checkpoint holds a pending write no run has finished: 1 event, bytes ${file.length} to ${file.length + 99} of ${file.path}`);
    expect(r.stderr).toContain(`check that file's length (${file.length + 99} bytes: it is; ${file.length}: it is not)`);
    expect(r.stderr).toContain(`warning: drops 1 hour from "noticed": 2 events the audit API counted there are not in the lake (${noticed[1]!.hour}: 2 missing)`);
    expect(r.stdout).toContain(`keeps 1 hour in "noticed", before --start: 4 events not in the lake (${noticed[0]!.hour}: 4 missing)`);
    const shown = JSON.parse((await cli('noticed', 'checkpoint', 'show')).stdout);
    expect(shown.checkpoint).toEqual({ version: 2, origin: at(2 * HOUR).toISOString(), watermark: at(2 * HOUR).toISOString(), noticed: [noticed[0]], chain: checkpoint.chain, recent: expect.any(Array), claim: checkpoint.claim });
  });

  it('a noticed hour keeps every run incomplete (exit 3) until acknowledged; acknowledge takes the lease, refuses what is not noticed, and status shows both', async () => {
    const noRecheck = { EXPORT_RECHECK_HOURS: '0' };
    expect((await cliWith('acked', noRecheck, 'run')).code).toBe(0);
    const { checkpoint, etag } = await stored('acked');
    const hour = at(HOUR).toISOString();
    // As a run whose count check found the hour 4 short leaves it.
    await store('acked').save({ ...checkpoint, noticed: [{ hour, missing: 4, noticedAt: at(2 * HOUR).toISOString() }] }, etag, opts());
    const second = await cliWith('acked', noRecheck, 'run');
    expect(second.code).toBe(3);
    expect(summaryOf(second.stdout)).toMatchObject({ status: 'incomplete', events: 0, noticed: [{ hour, missing: 4 }] });
    expect(second.stderr).toMatch(new RegExp(`^warning: hours the audit API counts more events for than the lake holds.*"hours":1,"missing":4,"noticed":"${hour}: 4 missing`, 'm'));
    const status = JSON.parse((await cli('acked', 'status')).stdout);
    expect(status).toMatchObject({ lastRun: { status: 'incomplete' }, noticed: [{ hour, missing: 4, noticedAt: at(2 * HOUR).toISOString(), countedAt: at(2 * HOUR).toISOString() }], acknowledged: [] });

    // Refused: not on the hour, not noticed, no --hour (exit 2); a run holds the lease (exit 1). Nothing changes.
    const before = await stored('acked');
    const refusals: Array<[string[], number, RegExp]> = [
      [['--hour', at(HOUR + MIN).toISOString()], 2, /--hour must be the start of an hour, as `status` lists it: .*\?/],
      [['--hour', at(2 * HOUR).toISOString()], 2, new RegExp(`is not a noticed hour; the hours noticed now: ${hour} \\(4 missing\\)`)],
      [[], 2, /checkpoint acknowledge needs --hour/],
    ];
    for (const [args, code, message] of refusals) {
      const r = await cli('acked', 'checkpoint', 'acknowledge', ...args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toMatch(message);
    }
    const lease = await takeLease('acked');
    try {
      const r = await cli('acked', 'checkpoint', 'acknowledge', '--hour', hour);
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('audit-export: another export run holds the lease; try again when it ends\n');
    } finally {
      await lease.releaseLease();
    }
    expect(await stored('acked')).toEqual(before);

    const acked = await cli('acked', 'checkpoint', 'acknowledge', '--hour', hour, '--by', 'jane@ops');
    expect(acked.code).toBe(0);
    expect(acked.stdout).toMatch(new RegExp(`^acknowledged ${hour}: 4 missing as counted at .* by "jane@ops" at `, 'm'));
    expect(acked.stdout).toMatch(/^no hour is noticed now: runs can end caught-up$/m);
    const after = JSON.parse((await cli('acked', 'status')).stdout);
    expect(after.noticed).toEqual([]);
    expect(after.acknowledged).toEqual([{ hour, missing: 4, noticedAt: at(2 * HOUR).toISOString(), countedAt: at(2 * HOUR).toISOString(), acknowledgedAt: expect.any(String), by: 'jane@ops' }]);
    const third = await cliWith('acked', noRecheck, 'run');
    expect(third.code).toBe(0);
    expect(summaryOf(third.stdout).status).toBe('caught-up');
    expect((await cli('acked', 'checkpoint', 'acknowledge', '--hour', hour)).stderr).toMatch(/is not a noticed hour \(it is acknowledged already\); no hour is noticed now/);
  });

  it('a noticed hour within the re-check horizon whose count agrees again leaves noticed: that run is caught up (exit 0)', async () => {
    expect((await cli('agreed', 'run')).code).toBe(0);
    const { checkpoint, etag } = await stored('agreed');
    const hour = checkpoint.recent!.at(-1)!.record.hour;
    await store('agreed').save({ ...checkpoint, noticed: [{ hour, missing: 2, noticedAt: at(4 * HOUR).toISOString() }] }, etag, opts());
    const r = await cli('agreed', 'run');
    expect({ code: r.code, status: summaryOf(r.stdout).status }).toEqual({ code: 0, status: 'caught-up' });
    expect((await stored('agreed')).checkpoint.noticed).toBeUndefined();
  });
});
