// The in-memory adapters' test hooks: planned faults, lost answers, crashes, held calls, and the lease keeper's
// schedule on a manual clock. What the adapters share with Azure is in test/contract.
import { initialCheckpoint } from '../../src/checkpoint/checkpoint';
import { encodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { ExportError } from '../../src/errors';
import { FaultInjector, SimulatedCrash, storageFaults, type Operation } from '../../src/adapters/memory/faults';
import { ManualClock, settle } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';

const opts = { abortSignal: new AbortController().signal };
const initial = initialCheckpoint(new Date('2026-01-01T00:00:00.000Z'));
const moved = { ...initial, watermark: '2026-01-01T01:00:00.000Z' };

async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ExportError ? e.code : e instanceof SimulatedCrash ? 'crash' : `foreign ${String(e)}`),
  );
}

/** A lake and a checkpoint store in one simulated process (one injector), over a shared blob. */
function process1(clock = new ManualClock(), blob = new MemoryCheckpointBlob(clock), lake = new MemoryLake()) {
  const faults = new FaultInjector();
  return { clock, blob, faults, lake: lake.connect({ faults }), store: new MemoryCheckpointStore({ clock, blob, faults, leaseSeconds: 15 }) };
}

describe('planned faults', () => {
  it('failNext counts matching operations from now; a failed operation does not happen', async () => {
    const lake = new MemoryLake();
    await lake.createFile('a', opts);
    lake.faults.failNext(2, { type: 'fail', error: storageFaults.throttled('append') }, { name: 'append' });
    await lake.append('a', Buffer.from('1'), 0, opts);
    await lake.flush('a', 1, opts); // not an append: not counted
    expect(await outcome(lake.append('a', Buffer.from('2'), 1, opts))).toBe('StorageError');
    expect(lake.staged('a')).toEqual([]);
    await lake.append('a', Buffer.from('2'), 1, opts); // the plan is spent
    expect(lake.staged('a')).toEqual([{ position: 1, length: 1 }]);
  });

  it('plans match by port, name and path, or by predicate; the earlier plan wins a shared operation', async () => {
    const lake = new MemoryLake();
    lake.faults.failNext(1, { type: 'fail', error: new Error('by path') }, { path: 'b' });
    lake.faults.failNext(1, { type: 'fail', error: new Error('by predicate') }, (op) => op.name === 'createFile');
    expect(await lake.createFile('b', opts).catch((e: Error) => e.message)).toBe('by path');
    expect(await lake.createFile('c', opts)).toEqual({ created: true }); // the predicate plan was dropped
    expect(lake.paths()).toEqual(['c']);
    expect(() => lake.faults.failNext(0, { type: 'crash' })).toThrow(RangeError);
  });

  it('beforeOperation sees every operation no plan claimed, numbered across the adapters of one process', async () => {
    const p = process1();
    const seen: string[] = [];
    p.faults.beforeOperation = (op: Operation) => (seen.push(`${op.seq} ${op.port} ${op.name}`), undefined);
    p.faults.failNext(1, { type: 'fail', error: new Error('x') }, { name: 'load' });
    await p.store.acquire(initial, opts);
    await p.lake.createFile('f', opts);
    expect(await outcome(p.store.load(opts))).toBe('foreign Error: x');
    await p.lake.append('f', Buffer.from('ab'), 0, opts);
    expect(seen).toEqual(['1 checkpoint acquire', '2 lake createFile', '4 lake append']);
    expect(p.faults.log.map((op) => op.seq)).toEqual([1, 2, 3, 4]);
    expect(p.faults.log[3]).toEqual({ seq: 4, port: 'lake', name: 'append', path: 'f', position: 0, length: 2 });
  });
});

describe('lost answers', () => {
  it('a flush whose answer is lost has committed; the retry finds the file at that length', async () => {
    const lake = new MemoryLake();
    await lake.createFile('f', opts);
    await lake.append('f', Buffer.from('abc'), 0, opts);
    lake.faults.failNext(1, { type: 'lostResponse' }, { name: 'flush' });
    const lost = await lake.flush('f', 3, opts).catch((e: ExportError) => e);
    expect([lost?.code, lost?.kind]).toEqual(['StorageUnreachable', 'retryable']);
    expect(lake.read('f')!.toString()).toBe('abc');
    await lake.flush('f', 3, opts);
    expect(lake.read('f')!.toString()).toBe('abc');
  });

  it('a save whose answer is lost has written; retrying with the old ETag is CheckpointConflict', async () => {
    const p = process1();
    const { stored } = await p.store.acquire(initial, opts);
    p.faults.failNext(1, { type: 'lostResponse', error: storageFaults.unreachable('save') }, { name: 'save' });
    expect(await outcome(p.store.save(moved, stored.etag, opts))).toBe('StorageUnreachable');
    expect((await p.store.load(opts))!.checkpoint).toEqual(moved);
    expect(await outcome(p.store.save(moved, stored.etag, opts))).toBe('CheckpointConflict');
  });

  it('an acquire whose answer is lost took a lease nobody renews: runs step aside until it expires', async () => {
    const p = process1();
    p.faults.failNext(1, { type: 'lostResponse' }, { name: 'acquire' });
    expect(await outcome(p.store.acquire(initial, opts))).toBe('StorageUnreachable');
    expect(p.blob.read()).toBe(encodeCheckpoint(initial)); // the acquire happened: it created the checkpoint
    expect(await outcome(p.store.acquire(initial, opts))).toBe('AnotherRunActive');
    await p.clock.advance(15_000);
    expect(p.blob.leaseState()).toBe('expired');
    expect(p.faults.log.filter((op) => op.name === 'renew')).toEqual([]);
    await p.store.acquire(initial, opts);
  });
});

describe('crashes', () => {
  it('a crash before an operation: it does not happen, and nothing from the process does until restart', async () => {
    const p = process1();
    const { lease } = await p.store.acquire(initial, opts);
    await p.lake.createFile('f', opts);
    await p.lake.append('f', Buffer.from('abc'), 0, opts);
    p.faults.failNext(1, { type: 'crash' }, { name: 'flush' });
    expect(await outcome(p.lake.flush('f', 3, opts))).toBe('crash');
    expect(p.lake.read('f')!.length).toBe(0);
    expect(await outcome(p.store.load(opts))).toBe('crash');
    await p.clock.advance(20_000); // no renewals from a dead process: the lease runs out
    expect(p.blob.leaseState()).toBe('expired');
    expect(lease.lost.aborted).toBe(false); // and nobody in it notices
    await lease.release(); // as the pipeline's finally would: it cannot reach storage
    expect(p.faults.log.map((op) => op.name)).toEqual(['acquire', 'createFile', 'append', 'flush']);

    p.faults.restart();
    const next = new MemoryCheckpointStore({ clock: p.clock, blob: p.blob, faults: p.faults, leaseSeconds: 15 });
    await next.acquire(initial, opts);
    await p.lake.flush('f', 3, opts); // the staged bytes outlived the process, as in Azure
    expect(p.lake.read('f')!.toString()).toBe('abc');
  });

  it('a crash after an operation: it happened, but the process never heard', async () => {
    const lake = new MemoryLake();
    await lake.createFile('f', opts);
    lake.faults.failNext(1, { type: 'crash', after: true }, { name: 'append' });
    expect(await outcome(lake.append('f', Buffer.from('abc'), 0, opts))).toBe('crash');
    expect(lake.faults.crashed).toBe(true);
    expect(lake.staged('f')).toEqual([{ position: 0, length: 3 }]);
  });

  it('another process over the same storage carries on while one is dead', async () => {
    const shared = process1();
    const other = process1(shared.clock, shared.blob, shared.lake);
    shared.faults.failNext(1, { type: 'crash' });
    expect(await outcome(shared.lake.createFile('f', opts))).toBe('crash');
    expect(await other.lake.createFile('f', opts)).toEqual({ created: true });
  });
});

describe('held operations', () => {
  it('an operation can be held until the test lets it go, and happens then', async () => {
    const lake = new MemoryLake();
    let letGo!: () => void;
    lake.faults.failNext(1, { type: 'hold', until: new Promise<void>((r) => (letGo = r)) });
    const creating = lake.createFile('f', opts);
    await settle();
    expect(lake.paths()).toEqual([]);
    letGo();
    expect(await creating).toEqual({ created: true });
  });

  it('a held operation whose signal aborts rejects with Aborted and never happens', async () => {
    const lake = new MemoryLake();
    const controller = new AbortController();
    lake.faults.failNext(1, { type: 'hold', until: new Promise(() => undefined) });
    const creating = outcome(lake.createFile('f', { abortSignal: controller.signal }));
    controller.abort();
    expect(await creating).toBe('Aborted');
    expect(lake.paths()).toEqual([]);
  });
});

describe('the lease keeper on a manual clock', () => {
  it('renews at a third of the lease, and one failed renewal does not lose the lease', async () => {
    const p = process1();
    const { lease } = await p.store.acquire(initial, opts);
    p.faults.failNext(1, { type: 'fail', error: storageFaults.unreachable('renew') }, { name: 'renew' });
    await p.clock.advance(5_000); // the first renewal fails
    expect(lease.lost.aborted).toBe(false);
    await p.clock.advance(5_000); // the second succeeds, before the lease (15 s) ran out
    await p.clock.advance(30_000);
    expect(lease.lost.aborted).toBe(false);
    expect(p.blob.leaseState()).toBe('leased');
    expect(p.faults.log.filter((op) => op.name === 'renew')).toHaveLength(8);
    await lease.release();
    expect(p.blob.leaseState()).toBe('available');
    await p.clock.advance(60_000);
    expect(p.faults.log.filter((op) => op.name === 'renew')).toHaveLength(8);
  });

  it('two failed renewals in a row: `lost` aborts with LeaseLost before the lease could pass to another run', async () => {
    const p = process1();
    const { lease } = await p.store.acquire(initial, opts);
    p.faults.beforeOperation = (op) => (op.name === 'renew' ? { type: 'fail', error: storageFaults.unreachable('renew') } : undefined);
    await p.clock.advance(5_000);
    expect(lease.lost.aborted).toBe(false);
    await p.clock.advance(5_000);
    expect((lease.lost.reason as ExportError).code).toBe('LeaseLost');
    expect(p.blob.leaseState()).toBe('leased'); // 10 s of 15: nobody else could have it yet
  });
});

describe('ManualClock', () => {
  it('wakes sleepers in time order at their own times, and only when advanced', async () => {
    const clock = new ManualClock(new Date(0));
    const woke: string[] = [];
    const never = new AbortController().signal;
    void clock.sleep(300, never).then(() => woke.push(`b@${clock.now().getTime()}`));
    void clock.sleep(100, never).then(async () => {
      woke.push(`a@${clock.now().getTime()}`);
      await clock.sleep(100, never);
      woke.push(`c@${clock.now().getTime()}`);
    });
    await settle();
    expect(woke).toEqual([]);
    await clock.advance(1000);
    expect(woke).toEqual(['a@100', 'c@200', 'b@300']);
    expect(clock.now().getTime()).toBe(1000);
  });

  it('an aborted sleep rejects with the reason and is forgotten', async () => {
    const clock = new ManualClock();
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal).then(() => 'woke', (e: unknown) => e);
    controller.abort('stop');
    expect(await sleeping).toBe('stop');
    expect(clock.sleeping).toBe(0);
  });

  it('every ticks at each multiple of its period, each at its own time, until disposed', async () => {
    const clock = new ManualClock(new Date(0));
    const ticks: number[] = [];
    const timer = clock.every(100, () => ticks.push(clock.now().getTime()));
    await clock.advance(99);
    expect(ticks).toEqual([]);
    await clock.advance(251);
    expect(ticks).toEqual([100, 200, 300]);
    timer[Symbol.dispose]();
    await clock.advance(1000);
    expect(ticks).toEqual([100, 200, 300]);
    expect(clock.sleeping).toBe(0);
  });
});
