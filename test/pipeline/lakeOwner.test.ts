// One lake path, one owner, and a lake that lost its files: the `_owner` claim on the in-memory pair. Another
// configuration on the same path writes nothing; a path emptied between runs stops every run (LakePathReset) with
// the hours that may be gone, until `checkpoint reset`; a file system deleted mid-run is named in the error.
import { FaultInjector, SimulatedCrash } from '../../src/adapters/memory/faults';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { loadSettings } from '../../src/config/settings';
import { ExportError } from '../../src/errors';
import { ownerPath } from '../../src/lake/layout';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import { applyReset } from '../../src/reset/resetCheckpoint';
import { readStatus } from '../../src/status/statusView';
import type { RunSummary } from '../../src/windows/runSummary';
import { HostileSource, eventJson, eventsAt } from '../support/hostileSource';
import { VALID_SETTINGS } from '../support/validSettings';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const NOW = new Date(T0 + 2.5 * 3600_000);
const LAG_MS = 300_000;
const HOUR = 3600_000;
const events = eventsAt(T0, 6 * HOUR, 90);
const OWNER = ownerPath('audit');
const opts = { abortSignal: new AbortController().signal };

/** One export configuration (its own checkpoint) writing to a lake; `lake` is shared when given. */
function world(configId = 'config-a', lake = new MemoryLake()) {
  const clock = new ManualClock(NOW);
  const blob = new MemoryCheckpointBlob(clock);
  const errors: string[] = [];
  const store = (faults?: FaultInjector) => new MemoryCheckpointStore({ clock, blob, faults });
  const run = async (faults = new FaultInjector()): Promise<RunSummary | ExportError | SimulatedCrash> => {
    try {
      return await exportUnderLease(
        {
          source: new HostileSource(events),
          lake: lake.connect({ faults }),
          store: store(faults),
          clock,
          logger: { info: () => undefined, warn: () => undefined, error: (message) => errors.push(message) },
        },
        {
          root: 'audit', fileSystem: 'audit-output', configId, pageSize: 20, lagSeconds: LAG_MS / 1000, exportStart: new Date(T0),
          fileMaxBytes: 1 << 20, batchMaxBytes: 900, recheckHours: 2, timeBudgetMs: HOUR, abortSignal: opts.abortSignal,
        },
      );
    } catch (error) {
      if (error instanceof ExportError || error instanceof SimulatedCrash) return error;
      throw error;
    }
  };
  const parts = () => lake.paths().filter((p) => p.endsWith('.ndjson'));
  const lines = () => parts().sort().flatMap((p) => lake.read(p)!.toString('utf8').split('\n').slice(0, -1));
  const expected = () => events.filter((e) => e.t < clock.now().getTime() - LAG_MS).map((e) => JSON.stringify(eventJson(e)));
  const checkpoint = () => decodeCheckpoint(blob.read()!);
  const status = () =>
    readStatus(
      { settings: loadSettings(VALID_SETTINGS, NOW), clock, status: { load: async () => undefined, save: async () => undefined }, checkpoints: () => store() },
      opts,
    );
  return { clock, lake, blob, errors, run, parts, lines, expected, checkpoint, status, store };
}

const codeOf = (outcome: unknown) => (outcome instanceof ExportError ? `${outcome.code}/${outcome.kind}` : outcome);

describe('one lake path, one owner', () => {
  it('the first run claims the path: `_owner` names the configuration, the file system and the path, and the checkpoint records the claim', async () => {
    const w = world();
    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    const owner = JSON.parse(w.lake.read(OWNER)!.toString('utf8'));
    expect(owner).toMatchObject({ configId: 'config-a', fileSystem: 'audit-output', path: 'audit', claimedAt: NOW.toISOString() });
    expect(w.checkpoint().claim).toEqual({ path: OWNER, claimedAt: NOW.toISOString(), content: w.lake.read(OWNER)!.toString('utf8') });
    expect(w.lines()).toEqual(w.expected());
    // …and later runs go on: the file is there, and as long as this configuration wrote it.
    await w.clock.advance(HOUR);
    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    expect(w.lines()).toEqual(w.expected());
  });

  it('a second configuration on the same path refuses before writing anything, naming itself and where the owner is named', async () => {
    const a = world('config-a');
    expect(await a.run()).toMatchObject({ status: 'caught-up' });
    const before = new Map(a.lake.paths().map((p) => [p, a.lake.read(p)!]));
    const b = world('config-b', a.lake);
    const refused = await b.run();
    expect(codeOf(refused)).toBe('LakePathClaimed/permanent');
    expect((refused as Error).message).toBe(
      `audit-output/audit belongs to another export configuration: ${OWNER} exists and this configuration never claimed it, so this configuration (configId config-b) writes nothing there. ` +
        `Each configuration needs a path of its own: point ADLS_PATH (or ADLS_FILE_SYSTEM) elsewhere. ${OWNER} names the owner's configId ("audit-export verify" shows it)`,
    );
    expect(new Map(a.lake.paths().map((p) => [p, a.lake.read(p)!]))).toEqual(before);
    // It keeps refusing, and the owner goes on.
    expect(codeOf(await b.run())).toBe('LakePathClaimed/permanent');
    expect(b.checkpoint().claim).toBeUndefined();
    await a.clock.advance(HOUR);
    expect(await a.run()).toMatchObject({ status: 'caught-up' });
    expect(a.lines()).toEqual(a.expected());
  });

  it('an `_owner` file this configuration did not write (another length) is refused, even with the claim recorded', async () => {
    const w = world();
    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    w.lake.put(OWNER, Buffer.from('{"configId":"someone-else"}\n'));
    await w.clock.advance(HOUR);
    const refused = await w.run();
    expect(codeOf(refused)).toBe('LakePathClaimed/permanent');
    expect((refused as Error).message).toContain(`${OWNER} exists and it is not the file this configuration wrote there`);
  });

  it('a run killed between creating `_owner` and recording it is finished by the next run, not refused', async () => {
    const w = world();
    const faults = new FaultInjector();
    faults.failNext(1, { type: 'crash', after: true }, { port: 'lake', name: 'createFile', path: OWNER });
    expect(await w.run(faults)).toBeInstanceOf(SimulatedCrash);
    expect(w.lake.read(OWNER)).toEqual(Buffer.alloc(0));
    expect(w.checkpoint().claim?.pending).toBe(true);
    await w.clock.advance(61_000); // the killed run's lease expires
    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    expect(w.lake.read(OWNER)!.toString('utf8')).toBe(w.checkpoint().claim!.content);
    expect(w.checkpoint().claim?.pending).toBeUndefined();
    expect(w.lines()).toEqual(w.expected());
  });
});

describe('a lake that lost its files', () => {
  it('emptied between runs (file system deleted and recreated): LakePathReset, nothing written, every later run stops too, and status names the hours', async () => {
    const w = world();
    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    const held = w.checkpoint();
    w.lake.deleteFileSystem({ recreate: true });
    await w.clock.advance(HOUR);

    const stopped = await w.run();
    expect(codeOf(stopped)).toBe('LakePathReset/permanent');
    const message = (stopped as Error).message;
    expect(message).toContain(`audit-output/audit was emptied or replaced (found at ${w.clock.now().toISOString()})`);
    expect(message).toContain(`exported ${new Date(T0).toISOString()} to ${held.watermark}`);
    expect(message).toContain('run "audit-export verify" to see which hours are missing, then "audit-export checkpoint reset --start <the first missing hour>"');
    expect(w.errors).toEqual([message]);
    // Nothing but the claim itself: the path stays this configuration's.
    expect(w.lake.paths()).toEqual([OWNER]);

    const status = await w.status();
    expect(status.lakeReset).toMatchObject({ detectedAt: w.clock.now().toISOString(), from: new Date(T0).toISOString(), to: held.watermark, manifests: held.chain!.manifests });
    // The hours the checkpoint still describes, with their events: the re-check horizon's closed hours and the open one.
    const recorded = [...(held.recent ?? []).map((r) => r.record.hour), ...(held.openHour ? [held.openHour.hour] : [])];
    expect(status.lakeReset!.hours.map((h) => h.hour)).toEqual(recorded);
    for (const h of status.lakeReset!.hours) {
      expect(h.events).toBe(events.filter((e) => e.t >= Date.parse(h.hour) && e.t < Date.parse(h.hour) + HOUR && e.t < NOW.getTime() - LAG_MS).length);
    }

    // Every run stops until an operator acts, without touching the lake.
    const faults = new FaultInjector();
    expect(codeOf(await w.run(faults))).toBe('LakePathReset/permanent');
    expect(faults.log.filter((op) => op.port === 'lake')).toEqual([]);

    // checkpoint reset back to the start: the next run exports everything again, into the same claimed path.
    const reset = Object.assign(w.store(), { leased: async () => false });
    await applyReset(reset, { start: new Date(T0), root: 'audit', abortSignal: opts.abortSignal });
    expect((await w.status()).lakeReset).toBeNull();
    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    expect(w.lines()).toEqual(w.expected());
  });

  it('the directory removed between runs is the same: LakePathReset', async () => {
    const w = world();
    expect(await w.run()).toMatchObject({ status: 'caught-up' });
    for (const p of w.lake.paths()) w.lake.delete(p);
    await w.clock.advance(HOUR);
    expect(codeOf(await w.run())).toBe('LakePathReset/permanent');
    expect(w.parts()).toEqual([]);
  });

  it('the file system deleted while a run writes: the next write fails with FileSystemNotFound naming the file system', async () => {
    const w = world();
    let appends = 0;
    const faults = new FaultInjector();
    // On the third batch's append the file system goes away, before that append reaches it.
    faults.beforeOperation = (op) => {
      if (op.name === 'append' && op.path!.endsWith('.ndjson') && ++appends === 3) w.lake.deleteFileSystem({ recreate: false });
      return undefined;
    };
    const failed = await w.run(faults);
    expect(codeOf(failed)).toBe('FileSystemNotFound/permanent');
    expect((failed as Error).message).toMatch(/^append to audit\/year=2026\/.*: 404 FilesystemNotFound: the file system "audit-output" does not exist; create it, or fix ADLS_FILE_SYSTEM$/);
  });
});
