// The batch writer's ordering rules, against in-memory ports (no Azure involved): what the exactly-once
// protocol needs from it, step by step.
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { PartPool } from '../../src/batches/partPool';
import { initialCheckpoint, type Checkpoint } from '../../src/checkpoint/checkpoint';
import { ExportError } from '../../src/errors';
import { BatchWriter, type BatchWriterDeps } from '../../src/batches/batchWriter';
import type { CheckpointStore, StoredCheckpoint } from '../../src/ports/checkpointStore';
import type { LakeWriter } from '../../src/ports/lakeWriter';

const window = { start: new Date('2026-01-01T10:00:00Z'), end: new Date('2026-01-01T11:00:00Z') };
const HOUR = '2026-01-01T10:00:00.000Z';
const FILE = 'r/year=2026/month=01/day=01/hour=10/audit-20260101T10-part-0000.ndjson';
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** Ten lines of ten bytes: "0........\n", "1........\n", … */
/** `lines` lines of 10 bytes, each starting with its id token ("0" … "9"). */
function page(lines = 10) {
  const text = Array.from({ length: lines }, (_, i) => `"${i % 10}"`.padEnd(9, '.') + '\n').join('');
  const ends = Array.from({ length: lines }, (_, i) => (i + 1) * 10);
  return { ndjson: Buffer.from(text), ends, lines: { ndjson: Buffer.from(text), lineEnds: ends, idStarts: ends.map((e) => e - 10), idEnds: ends.map((e) => e - 7), eventTimes: ends.map((_, i) => i) } };
}

interface Fakes {
  ops: string[];
  /** What each append carried, by position. */
  data: Map<number, string>;
  lake: LakeWriter;
  store: CheckpointStore;
  clock: ManualClock;
  /** While set, appends wait for it. */
  gate?: Promise<void>;
  failAppendAt?: number;
}

function fakes(): Fakes {
  const f: Fakes = {
    ops: [],
    data: new Map(),
    clock: new ManualClock(),
    lake: {
      createFile: async (path) => (f.ops.push(`create ${path === FILE ? 'f' : path}`), { created: true }),
      append: async (_path, data, position, { abortSignal }) => {
        f.ops.push(`append ${position}+${data.length}`);
        f.data.set(position, data.toString());
        await tick();
        abortSignal.throwIfAborted();
        if (f.gate) await Promise.race([f.gate, new Promise((_, reject) => abortSignal.addEventListener('abort', () => reject(abortSignal.reason)))]);
        abortSignal.throwIfAborted();
        if (position === f.failAppendAt) throw new ExportError('StorageUnreachable', 'append failed', { kind: 'retryable' });
        f.ops.push(`appended ${position}`);
      },
      flush: async (_path, position) => (await tick(), f.ops.push(`flush ${position}`), undefined),
    },
    store: {
      acquire: () => Promise.reject(new Error('not used')),
      load: () => Promise.reject(new Error('not used')),
      save: async (c: Checkpoint, etag) => {
        await tick();
        f.ops.push(`save ${c.intent ? `intent ${c.intent.from}-${c.intent.to}` : 'no intent'} after ${c.file?.length ?? 0} (if ${etag})`);
        return `e${f.ops.length}`;
      },
    },
  };
  return f;
}

function writer(f: Fakes, stored: StoredCheckpoint, limits = { batchMaxBytes: 30, fileMaxBytes: 1000 }, parts = new PartPool(10, 2), more: Partial<BatchWriterDeps> = {}) {
  return new BatchWriter(stored, { root: 'r', ...limits }, { store: f.store, lake: f.lake, parts, clock: f.clock, abortSignal: new AbortController().signal, ...more });
}

/** A keyset position after `n` events, one per second from the window's start (as page() makes them). */
const cursorAt = (n: number) => ({
  window: { start: HOUR, end: window.end.toISOString() }, from: new Date(window.start.getTime() + (n - 1) * 1000 - 1).toISOString(), skip: 0,
  at: new Date(window.start.getTime() + (n - 1) * 1000).toISOString(), ids: [`"${n - 1}"`], written: n, dropped: 0,
});
const fresh = (): StoredCheckpoint => ({ checkpoint: initialCheckpoint(window.start), etag: 'e0' });

describe('BatchWriter', () => {
  it('appends a batch as parts, saves its intent once all are acknowledged, flushes, and only then starts the next batch', async () => {
    const f = fakes();
    const w = writer(f, fresh());
    const { ndjson, ends, lines } = page(5);
    expect(await w.add(window, 0, lines, 0, ends.length)).toBe(3); // 30 bytes: the batch is full
    w.moveTo({ watermark: window.start.toISOString(), cursor: cursorAt(3) });
    expect(await w.add(window, 3, lines, 3, ends.length)).toBe(2);
    w.moveTo({ watermark: window.end.toISOString() });
    const done = await w.settled();

    const at = (op: string) => f.ops.indexOf(op);
    expect(at('create f')).toBe(0);
    for (const p of [0, 10, 20]) expect(at(`appended ${p}`)).toBeLessThan(at('save intent 0-30 after 0 (if e0)'));
    expect(at('save intent 0-30 after 0 (if e0)')).toBeLessThan(at('flush 30'));
    // A flush drops bytes staged beyond it, so the next batch's first append waits for it.
    expect(at('flush 30')).toBeLessThan(at('append 30+10'));
    // The second intent carries the first batch's advance (file length 30), on the etag the first save returned.
    expect(f.ops.filter((o) => o.startsWith('save'))).toEqual(['save intent 0-30 after 0 (if e0)', expect.stringMatching(/^save intent 30-50 after 30 \(if e\d+\)$/)]);
    expect(f.ops.at(-1)).toBe('flush 50');
    expect([...f.data.keys()].sort((a, b) => a - b).map((p) => f.data.get(p)).join('')).toBe(ndjson.toString());
    expect(done.checkpoint).toMatchObject({ watermark: window.end.toISOString(), file: { path: FILE, length: 50 } });
    expect(done.checkpoint.intent).toBeUndefined();
    expect(done.checkpoint.cursor).toBeUndefined();
  });

  it("fences a file it did not create: flushes at the committed length before the run's first append, once", async () => {
    const f = fakes();
    const open: StoredCheckpoint = { checkpoint: { ...initialCheckpoint(window.start), file: { path: FILE, hour: HOUR, part: 0, length: 100 } }, etag: 'e0' };
    const w = writer(f, open);
    const { ends, lines } = page(6);
    await w.add(window, 0, lines, 0, ends.length);
    w.moveTo({ watermark: window.start.toISOString(), cursor: cursorAt(3) });
    await w.add(window, 3, lines, 3, ends.length);
    w.moveTo({ watermark: window.end.toISOString() });
    await w.settled();
    expect(f.ops[0]).toBe('flush 100');
    expect(f.ops.indexOf('flush 100')).toBeLessThan(f.ops.indexOf('append 100+10'));
    expect(f.ops.filter((o) => o.startsWith('flush'))).toEqual(['flush 100', 'flush 130', 'flush 160']);
    expect(f.ops).not.toContain('create f');
  });

  it('holds no more parts than the pool has: the next add waits until an append is done', async () => {
    const f = fakes();
    let open!: () => void;
    f.gate = new Promise((resolve) => (open = resolve));
    const w = writer(f, fresh(), { batchMaxBytes: 1000, fileMaxBytes: 1000 });
    const { ends, lines } = page(10);
    let added = false;
    const adding = w.add(window, 0, lines, 0, ends.length).then((n) => ((added = true), n));
    for (let i = 0; i < 5; i++) await tick();
    // Two parts of 10 bytes: one in flight, one filled and waiting for a part to come back.
    expect(added).toBe(false);
    expect(f.ops.filter((o) => o.startsWith('append'))).toEqual(['append 0+10', 'append 10+10']);
    open();
    expect(await adding).toBe(10);
    w.moveTo({ watermark: window.end.toISOString() });
    await w.settled();
    expect(f.ops.filter((o) => o.startsWith('appended'))).toHaveLength(10);
  });

  it('an event larger than a batch is a batch of its own, appended in whole parts; a normal batch in its share of one', async () => {
    const f = fakes();
    // Parts of 20 bytes; a 20-byte batch is cut in two appends of 10, as the pool has two parts.
    const w = writer(f, fresh(), { batchMaxBytes: 20, fileMaxBytes: 1000 }, new PartPool(20, 2));
    const text = '"0"'.padEnd(9, '.') + '\n' + '"1"'.padEnd(49, '.') + '\n' + '"2"'.padEnd(19, '.') + '\n';
    const ends = [10, 60, 80];
    const lines = { ndjson: Buffer.from(text), lineEnds: ends, idStarts: [0, 10, 60], idEnds: [3, 13, 63], eventTimes: [0, 1, 2] };
    for (let i = 0; i < 3; i++) {
      expect(await w.add(window, i, lines, i, 3)).toBe(1);
      w.moveTo(i < 2 ? { watermark: window.start.toISOString(), cursor: cursorAt(i + 1) } : { watermark: window.end.toISOString() });
    }
    await w.settled();
    expect(f.ops.filter((o) => o.startsWith('append '))).toEqual(['append 0+10', 'append 10+20', 'append 30+20', 'append 50+10', 'append 60+10', 'append 70+10']);
    expect(f.ops.filter((o) => o.startsWith('flush'))).toEqual(['flush 10', 'flush 60', 'flush 80']);
    expect([...f.data.keys()].sort((a, b) => a - b).map((p) => f.data.get(p)).join('')).toBe(text);
  });

  it('times each batch on its clock, from its first line to its flush', async () => {
    const f = fakes();
    let open!: () => void;
    f.gate = new Promise((resolve) => (open = resolve));
    const delivered: number[] = [];
    const w = writer(f, fresh(), undefined, undefined, { onDelivered: (d) => delivered.push(d.ms) });
    const { ends, lines } = page(3);
    const adding = w.add(window, 0, lines, 0, ends.length); // 30 bytes, a full batch; its appends wait at the gate
    await f.clock.advance(2500);
    open();
    expect(await adding).toBe(3);
    w.moveTo({ watermark: window.end.toISOString() });
    await w.settled();
    expect(delivered).toEqual([2500]);
  });

  it('after a failed append it saves no intent and flushes nothing, and settled() throws the failure', async () => {
    const f = fakes();
    f.failAppendAt = 10;
    const w = writer(f, fresh());
    const { ends, lines } = page(5);
    await w.add(window, 0, lines, 0, ends.length);
    w.moveTo({ watermark: window.start.toISOString(), cursor: cursorAt(3) });
    await expect(w.add(window, 3, lines, 3, ends.length)).rejects.toThrow('append failed');
    expect(w.failed).toBe(true);
    await expect(w.settled()).rejects.toThrow('append failed');
    expect(f.ops.some((o) => o.startsWith('save') || o.startsWith('flush'))).toBe(false);
  });

  it('abort() stops appends in flight and settled() throws the reason', async () => {
    const f = fakes();
    f.gate = new Promise(() => undefined); // appends never finish on their own
    const w = writer(f, fresh(), { batchMaxBytes: 1000, fileMaxBytes: 1000 });
    const { ends, lines } = page(1);
    await w.add(window, 0, lines, 0, ends.length);
    w.moveTo({ watermark: window.end.toISOString() });
    await tick();
    w.abort(new Error('budget exhausted'));
    await expect(w.settled()).rejects.toThrow('budget exhausted');
    expect(f.ops.some((o) => o.startsWith('save') || o.startsWith('flush'))).toBe(false);
  });
});
