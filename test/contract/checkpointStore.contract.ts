// The CheckpointStore port's rules, as one jest suite any implementation must pass: the blob store on Azurite and
// the in-memory twin run the same tests (azure.contract.test.ts, memory.contract.test.ts).
import { initialCheckpoint, type Checkpoint } from '../../src/checkpoint/checkpoint';
import { encodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { ExportError } from '../../src/errors';
import type { CheckpointStore, Lease } from '../../src/ports/checkpointStore';

export interface CheckpointStoreSubject {
  /** A store over this subject's checkpoint (one per subject, none at first); each call is another run's client. */
  store(): CheckpointStore;
  /** The lease length the subject's stores use (seconds). */
  leaseSeconds: number;
  /** The stored text, read out of band with full rights; undefined when there is none. */
  readRaw(): Promise<string | undefined>;
  /** Writes the stored text out of band (an operator restoring a backup); refused while the checkpoint is leased. */
  writeRaw(text: string): Promise<void>;
  /** Deletes the checkpoint out of band; refused while it is leased. */
  deleteRaw(): Promise<void>;
  /** Another party breaks the current lease at once. */
  breakLease(): Promise<void>;
  /** Another run takes the lease for `seconds` and dies: it never renews or releases it. */
  takeLeaseAndDie(seconds: number): Promise<void>;
  /**
   * Lets time pass until `condition` holds, checking it as time goes: the twin moves its clock on, Azure waits.
   * Fails once `limitMs` have passed without it.
   */
  waitFor(condition: () => boolean | Promise<boolean>, what: string, limitMs: number): Promise<void>;
}

const opts = { abortSignal: new AbortController().signal };
const abortedOpts = () => ({ abortSignal: AbortSignal.abort() });

const initial = initialCheckpoint(new Date('2026-01-01T00:00:00.000Z'));
const later: Checkpoint = {
  version: 2,
  watermark: '2026-01-01T01:00:00.000Z',
  file: { path: 'r/year=2026/month=01/day=01/hour=00/audit-20260101T00-part-0000.ndjson', hour: '2026-01-01T00:00:00.000Z', part: 0, length: 120 },
};
const laterStill: Checkpoint = { ...later, watermark: '2026-01-01T02:00:00.000Z' };

/** The ExportError a call ends with ('ok' if none), as `code/kind`. */
async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ExportError ? `${e.code}/${e.kind}` : `foreign ${String(e)}`),
  );
}

export function describeCheckpointStoreContract(name: string, makeSubject: () => Promise<CheckpointStoreSubject>): void {
  describe(`CheckpointStore contract: ${name}`, () => {
    let s: CheckpointStoreSubject;
    const leases: Lease[] = [];
    /** Acquires, and releases at the end of the test whatever happens. */
    const acquire = async (store: CheckpointStore, start: Checkpoint = initial) => {
      const acquired = await store.acquire(start, opts);
      leases.push(acquired.lease);
      return acquired;
    };
    beforeEach(async () => {
      s = await makeSubject();
    });
    afterEach(async () => {
      await Promise.all(leases.splice(0).map((l) => l.release()));
    });

    describe('load, save and ETags', () => {
      it('load finds nothing before the first acquire', async () => {
        expect(await s.store().load(opts)).toBeUndefined();
      });

      it('acquire creates a missing checkpoint as `initial`, stored with the shared encoding', async () => {
        const store = s.store();
        const { stored } = await acquire(store);
        expect(stored.checkpoint).toEqual(initial);
        expect(stored.etag).toEqual(expect.any(String));
        expect(stored.etag.length).toBeGreaterThan(0);
        expect(await s.readRaw()).toBe(encodeCheckpoint(initial));
        expect(await store.load(opts)).toEqual(stored);
      });

      it('acquire keeps an existing checkpoint rather than overwrite it with `initial`', async () => {
        const first = s.store();
        const { stored, lease } = await acquire(first);
        await first.save(later, stored.etag, opts);
        await lease.release();
        const again = await acquire(s.store());
        expect(again.stored.checkpoint).toEqual(later);
        expect(await s.readRaw()).toBe(encodeCheckpoint(later));
      });

      it('save with the current ETag writes, returns the new ETag, and load sees both', async () => {
        const store = s.store();
        const { stored } = await acquire(store);
        const etag = await store.save(later, stored.etag, opts);
        expect(etag).not.toBe(stored.etag);
        expect(await store.load(opts)).toEqual({ checkpoint: later, etag });
        expect(await s.readRaw()).toBe(encodeCheckpoint(later));
        const next = await store.save(laterStill, etag, opts);
        expect(await store.load(opts)).toEqual({ checkpoint: laterStill, etag: next });
      });

      it('every save changes the ETag, even with the same content', async () => {
        const store = s.store();
        const { stored } = await acquire(store);
        const a = await store.save(stored.checkpoint, stored.etag, opts);
        const b = await store.save(stored.checkpoint, a, opts);
        expect(new Set([stored.etag, a, b]).size).toBe(3);
        expect(await outcome(store.save(stored.checkpoint, a, opts))).toBe('CheckpointConflict/conflict');
      });

      it('save with a stale ETag is CheckpointConflict (conflict) and changes nothing', async () => {
        const store = s.store();
        const { stored } = await acquire(store);
        const current = await store.save(later, stored.etag, opts);
        expect(await outcome(store.save(laterStill, stored.etag, opts))).toBe('CheckpointConflict/conflict');
        expect(await store.load(opts)).toEqual({ checkpoint: later, etag: current });
      });

      it('save without an ETag creates a checkpoint only where there is none', async () => {
        const store = s.store();
        const etag = await store.save(later, undefined, opts);
        expect(await store.load(opts)).toEqual({ checkpoint: later, etag });
        expect(await outcome(store.save(laterStill, undefined, opts))).toBe('CheckpointConflict/conflict');
        expect(await s.readRaw()).toBe(encodeCheckpoint(later));
      });

      it('a rewrite by someone else (a new ETag) makes the next save conflict', async () => {
        const store = s.store();
        await store.save(later, undefined, opts);
        const seen = (await store.load(opts))!;
        await s.writeRaw(encodeCheckpoint(later));
        expect(await outcome(store.save(laterStill, seen.etag, opts))).toBe('CheckpointConflict/conflict');
        expect((await store.load(opts))!.etag).not.toBe(seen.etag);
      });

      it('a checkpoint that does not decode is CheckpointCorrupt (permanent), from load and from acquire', async () => {
        await s.writeRaw('{"version":1,"watermark":"not a time"}');
        expect(await outcome(s.store().load(opts))).toBe('CheckpointCorrupt/permanent');
        expect(await outcome(s.store().acquire(initial, opts))).toBe('CheckpointCorrupt/permanent');
        // The failed acquire let its lease go: the next one again reports the content, not another run.
        expect(await outcome(s.store().acquire(initial, opts))).toBe('CheckpointCorrupt/permanent');
        await s.writeRaw('not json');
        expect(await outcome(s.store().load(opts))).toBe('CheckpointCorrupt/permanent');
      });

      it('says what is wrong with the checkpoint, where it lies, and what to do, once', async () => {
        const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e as Error).message);
        await s.writeRaw('{"version":1,"watermark":"not a time"}');
        expect(await refusal(s.store().load(opts))).toMatch(/^checkpoint is not valid: watermark: [^()]+ \(\S*checkpoint\S*\); restore it or delete it to start over$/);
        await s.writeRaw('not json');
        expect(await refusal(s.store().acquire(initial, opts))).toMatch(/^checkpoint is not JSON \(\S*checkpoint\S*\); restore it or delete it to start over$/);
      });

      it('a deleted checkpoint loads as none, and a save based on it is CheckpointConflict and recreates nothing', async () => {
        const store = s.store();
        await store.save(later, undefined, opts);
        const seen = (await store.load(opts))!;
        await s.deleteRaw();
        expect(await store.load(opts)).toBeUndefined();
        expect(await outcome(store.save(laterStill, seen.etag, opts))).toBe('CheckpointConflict/conflict');
        expect(await s.readRaw()).toBeUndefined();
      });
    });

    describe('the single-writer lease', () => {
      it('while one run holds the lease another gets AnotherRunActive (conflict), and changes nothing', async () => {
        const { stored } = await acquire(s.store());
        expect(await outcome(s.store().acquire(laterStill, opts))).toBe('AnotherRunActive/conflict');
        expect(await s.readRaw()).toBe(encodeCheckpoint(stored.checkpoint));
      });

      it('the same client cannot take the lease twice', async () => {
        const store = s.store();
        await acquire(store);
        expect(await outcome(store.acquire(initial, opts))).toBe('AnotherRunActive/conflict');
      });

      it('once released, the next run takes the lease at once', async () => {
        const { lease } = await acquire(s.store());
        await lease.release();
        const next = await acquire(s.store());
        expect(next.stored.checkpoint).toEqual(initial);
        expect(next.lease.lost.aborted).toBe(false);
      });

      it('a run without the lease cannot save while another holds it, even with the current ETag', async () => {
        const { stored } = await acquire(s.store());
        const outsider = s.store();
        expect(await outcome(outsider.save(later, stored.etag, opts))).toBe('CheckpointConflict/conflict');
        expect(await outcome(outsider.save(later, undefined, opts))).toBe('CheckpointConflict/conflict');
        expect(await s.readRaw()).toBe(encodeCheckpoint(initial));
      });

      it('a run that never took the lease can save while nobody holds it (the lease binds only once acquired)', async () => {
        const { lease } = await acquire(s.store());
        await lease.release();
        const store = s.store();
        const seen = (await store.load(opts))!;
        const etag = await store.save(later, seen.etag, opts);
        expect(await store.load(opts)).toEqual({ checkpoint: later, etag });
      });

      it('a run that released its lease saves as one without it', async () => {
        const store = s.store();
        const { stored, lease } = await acquire(store);
        await lease.release();
        const etag = await store.save(later, stored.etag, opts);
        await acquire(s.store());
        expect(await outcome(store.save(laterStill, etag, opts))).toBe('CheckpointConflict/conflict');
      });

      it('once its lease is broken, the holder cannot save and `lost` aborts with LeaseLost (conflict)', async () => {
        const store = s.store();
        const { stored, lease } = await acquire(store);
        await s.breakLease();
        expect(await outcome(store.save(later, stored.etag, opts))).toBe('CheckpointConflict/conflict');
        await s.waitFor(() => lease.lost.aborted, 'the lease to be reported lost', s.leaseSeconds * 1000);
        const reason = lease.lost.reason as ExportError;
        expect(`${reason.code}/${reason.kind}`).toBe('LeaseLost/conflict');
        await lease.release(); // must not throw
        expect(await s.readRaw()).toBe(encodeCheckpoint(initial));
        // Another run takes over, and the first one still cannot write.
        const next = await acquire(s.store());
        expect(await outcome(store.save(later, next.stored.etag, opts))).toBe('CheckpointConflict/conflict');
      });

      it('a held lease is renewed past its length; a dead run’s lease blocks others only until it expires', async () => {
        const dead = await makeSubject();
        await dead.writeRaw(encodeCheckpoint(initial));
        const alive = s.store();
        const held = await acquire(alive);
        await dead.takeLeaseAndDie(dead.leaseSeconds);
        expect(await outcome(dead.store().acquire(initial, opts))).toBe('AnotherRunActive/conflict');

        let successor: Awaited<ReturnType<typeof acquire>> | undefined;
        const takeOver = async () => {
          successor = await acquire(dead.store()).catch((e: unknown) => {
            if (e instanceof ExportError && e.code === 'AnotherRunActive') return undefined;
            throw e;
          });
          return successor !== undefined;
        };
        await dead.waitFor(takeOver, 'the dead run’s lease to expire', (dead.leaseSeconds + 10) * 1000);
        expect(successor!.stored.checkpoint).toEqual(initial);

        // By now more than a lease length has passed since `alive` took its lease: it still holds it.
        expect(held.lease.lost.aborted).toBe(false);
        expect(await outcome(s.store().acquire(initial, opts))).toBe('AnotherRunActive/conflict');
        await alive.save(later, held.stored.etag, opts);
        expect(await s.readRaw()).toBe(encodeCheckpoint(later));
      });
    });

    describe('aborted calls', () => {
      it('a call whose signal is already aborted rejects (Aborted, retryable) and changes nothing', async () => {
        const store = s.store();
        expect(await outcome(store.acquire(initial, abortedOpts()))).toBe('Aborted/retryable');
        expect(await s.readRaw()).toBeUndefined();
        expect(await outcome(store.save(later, undefined, abortedOpts()))).toBe('Aborted/retryable');
        expect(await s.readRaw()).toBeUndefined();
        await store.save(later, undefined, opts);
        expect(await outcome(store.load(abortedOpts()))).toBe('Aborted/retryable');
        // The aborted acquire took no lease.
        await acquire(s.store());
      });
    });
  });
}
