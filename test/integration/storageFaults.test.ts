// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { startFaultProxy, viaProxy, type FaultProxy, type FaultRule } from '../../dev/faultProxy';
import type { Checkpoint } from '../../src/checkpoint/checkpoint';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { ExportError } from '../../src/errors';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-03-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 4 * 3600_000);
/** Every batch of this data set holds this many events (EXPORT_BATCH_MAX_BYTES 9000). */
const BATCH_EVENTS = 12;

/** What a faulted run left behind, before any later run: how it ended, the lake, and the checkpoint. */
interface Left {
  outcome: string;
  lines: string[];
  /** Bytes of each hour file. */
  bytes: Map<string, number>;
  checkpoint: Checkpoint;
  /** How the next run recovered the intent the faulted one left, if it left one. */
  recovered?: string;
}

/** `caught-up`, `code/kind: message` for an ExportError, `name: message` for anything else. */
function outcomeOf(error: unknown): string {
  if (error instanceof ExportError) return `${error.code}/${error.kind}: ${error.message}`;
  const e = error as Error;
  return `${e.name}: ${e.message}`;
}

/**
 * Storage faults between the exporter and the lake (dfs gateway) or its checkpoint storage (Azurite): each
 * scenario injects faults into a run, checks exactly what that run left, lets later runs finish, and checks every
 * event landed exactly once.
 */
describe('storage errors mid-batch leave nothing lost or doubled', () => {
  let h: Harness;
  let lake: FaultProxy;
  let state: FaultProxy;
  let stateEndpoint: string;
  let env: (path: string) => Record<string, string>;
  let expected: string[];

  beforeAll(async () => {
    h = await startHarness({ count: 300, start: T0, spanSeconds: 3 * 3600, seed: 19 });
    lake = await startFaultProxy({ target: new URL(h.stack.info.dfsEndpoint).origin });
    state = await startFaultProxy({ target: new URL(h.stack.info.blobEndpoint).origin });
    stateEndpoint = viaProxy(h.stack.info.blobEndpoint, state);
    const stateConnection = h.stack.info.azureWebJobsStorage.replace(h.stack.info.blobEndpoint, stateEndpoint);
    env = (path) => ({
      ADLS_PATH: path,
      ADLS_DFS_ENDPOINT: viaProxy(h.stack.info.dfsEndpoint, lake),
      AzureWebJobsStorage: stateConnection,
      AUDIT_PAGE_SIZE: '25',
      EXPORT_BATCH_MAX_BYTES: '9000',
    });
    expected = h.apiEvents().map(expectedLine);
  });
  afterEach(() => {
    lake.clearRules();
    state.clearRules();
  });
  afterAll(async () => {
    await lake?.stop();
    await state?.stop();
    await h?.stop();
  });

  /**
   * Runs with the faults, then without until caught up; returns what the faulted run left. With `abortAtFault`
   * the faulted run is aborted, as the function time-out would, while the proxy holds its first faulted request.
   */
  async function exportThrough(path: string, faults: { lake?: FaultRule[]; state?: FaultRule[] }, { abortAtFault = false } = {}): Promise<Left> {
    lake.setRules(faults.lake ?? []);
    state.setRules(faults.state ?? []);
    const timeout = new AbortController();
    const first = h.run(NOW, env(path), { abortSignal: timeout.signal }).then((s) => s.status, outcomeOf);
    if (abortAtFault) {
      await Promise.race([lake.whenFaulted(), first.then((o) => Promise.reject(new Error(`the run ended (${o}) before its request was held`)))]);
      timeout.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }
    const outcome = await first;
    expect(lake.stats().faulted + state.stats().faulted).toBeGreaterThan(0);
    const files = await h.readLake(path);
    const bytes = new Map([...files].map(([file, lines]) => [file, lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0)]));
    const checkpoint = decodeCheckpoint((await h.checkpointBlob(env(path)).downloadToBuffer()).toString('utf8'));
    lake.clearRules();
    state.clearRules();
    const from = h.logs.length;
    for (let i = 0; i < 3; i++) if ((await h.run(NOW, env(path))).status === 'caught-up') break;
    expect(allLines(await h.readLake(path))).toEqual(expected);
    const recovered = h.logs.slice(from).filter((l) => l.includes('recovered an interrupted batch'));
    expect(recovered.length).toBeLessThanOrEqual(1);
    return { outcome, lines: allLines(files), bytes, checkpoint, recovered: recovered[0]?.replace(/^info: /, '') };
  }

  /**
   * The faulted run stopped after `batches` whole batches: the lake holds them, the checkpoint says so and has the
   * next batch only as an intent, and the next run finds that batch's staged bytes and commits them (flush at `to`).
   */
  function expectStoppedAfter(left: Left, batches: number): void {
    const events = batches * BATCH_EVENTS;
    expect(left.lines).toEqual(expected.slice(0, events));
    const { file, cursor, intent } = left.checkpoint;
    expect([...left.bytes]).toEqual([[file!.path, file!.length]]);
    expect(cursor!.written).toBe(events);
    expect(intent).toMatchObject({ file: { path: file!.path }, from: file!.length, events: BATCH_EVENTS });
    expect(left.recovered).toBe(`recovered an interrupted batch: it is in the lake ${JSON.stringify({ file: file!.path, from: intent!.from, to: intent!.to })}`);
  }

  /** A run that retried its way through: it alone exported everything, and left no intent. */
  function expectFinished(left: Left): void {
    expect(left.outcome).toBe('caught-up');
    expect(left.lines).toEqual(expected);
    expect(left.checkpoint.intent).toBeUndefined();
    expect(left.recovered).toBeUndefined();
  }

  it('503s on appends are retried within the run', async () => {
    expectFinished(await exportThrough('e503', { lake: [{ method: 'PATCH', query: { action: 'append' }, pathIncludes: '.ndjson', fault: 'status', status: 503, skip: 2, count: 2 }] }));
  });

  it('a lost response to an append (the server staged it) is retried at the same position', async () => {
    expectFinished(await exportThrough('lost-append', { lake: [{ query: { action: 'append' }, pathIncludes: '.ndjson', fault: 'reset-after', skip: 3, count: 1 }] }));
  });

  it('a lost response to a flush (the server committed it) is retried as a no-op flush', async () => {
    expectFinished(await exportThrough('lost-flush', { lake: [{ query: { action: 'flush' }, pathIncludes: '.ndjson', fault: 'reset-after', skip: 2, count: 1 }] }));
  });

  it('connection resets before a create reach the server are retried', async () => {
    expectFinished(await exportThrough('reset-create', { lake: [{ method: 'PUT', query: { resource: 'file' }, fault: 'reset-before', count: 2 }] }));
  });

  it('a flush that keeps failing stops the run at that batch, its intent saved; the next run recovers it', async () => {
    const left = await exportThrough('flush-down', { lake: [{ query: { action: 'flush' }, pathIncludes: '.ndjson', fault: 'status', status: 500, skip: 3, count: 50 }] });
    expectStoppedAfter(left, 3);
    expect(left.outcome).toBe(`StorageError/retryable: flush ${left.checkpoint.file!.path} at ${left.checkpoint.intent!.to}: 500 InternalError`);
  });

  it('a run that times out in the middle of a flush leaves an intent the next run resolves', async () => {
    const left = await exportThrough('timeout', { lake: [{ query: { action: 'flush' }, pathIncludes: '.ndjson', fault: 'delay', delayMs: 600_000, skip: 2, count: 1 }] }, { abortAtFault: true });
    expectStoppedAfter(left, 2);
    expect(left.outcome).toBe('TimeoutError: The operation was aborted due to timeout');
  });

  it('when the checkpoint cannot be saved after a flush, the next run finds the batch already in (flush at `to`) and does not write it twice', async () => {
    // Saves are PUTs of the checkpoint blob: let the claim, the intent save and a few batches through, then fail every save.
    // The first failed save reached the server (the answer was lost): the checkpoint holds the next batch's intent.
    const left = await exportThrough('save-down', { state: [{ method: 'PUT', pathIncludes: '/checkpoints/', fault: 'reset-after', skip: 7, count: 50 }] });
    expectStoppedAfter(left, 4);
    expect(left.outcome).toBe(`StorageUnreachable/retryable: host storage ${stateEndpoint} (AzureWebJobsStorage): save checkpoint: ECONNRESET`);
  });
});
