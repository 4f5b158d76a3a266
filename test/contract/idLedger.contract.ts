// The IdLedger port's rules, as one jest suite any implementation must pass: the blob ledger on Azurite and the
// in-memory twin run the same tests (azure.contract.test.ts, memory.contract.test.ts).
import { ExportError } from '../../src/errors';
import { segmentName, type IdLedger } from '../../src/ports/idLedger';

export interface IdLedgerSubject {
  /** A ledger of this subject's configuration (one per subject, empty at first); each call is another process's client. */
  ledger(): IdLedger;
  /** A ledger of another configuration in the same host storage. */
  otherConfiguration(): IdLedger;
  /** The segments stored for this subject's configuration, as `hour/segment`, sorted; read out of band. */
  stored(): Promise<string[]>;
  /** Removes everything the host storage holds, the state container included: a deployment that never stored a thing. */
  wipe(): Promise<void>;
}

const opts = { abortSignal: new AbortController().signal };
const abortedOpts = () => ({ abortSignal: AbortSignal.abort() });

const H0 = '2026-01-01T00:00:00.000Z';
const H1 = '2026-01-01T01:00:00.000Z';
const H2 = '2026-01-01T02:00:00.000Z';
const S0 = segmentName(0, 0, 4096);
const S1 = segmentName(0, 4096, 9000);
const S2 = segmentName(1, 0, 512);

/** Sorted 16-byte digests, as a batch's would be: `count` of them, all bytes `fill + i`. */
const digests = (fill: number, count = 3) => Buffer.concat(Array.from({ length: count }, (_, i) => Buffer.alloc(16, fill + i)));

/** The ExportError a call ends with ('ok' if none), as `code/kind`. */
async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ExportError ? `${e.code}/${e.kind}` : `foreign ${String(e)}`),
  );
}

/** The same, with the message: what an operator reads. */
async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ExportError ? `${e.code}/${e.kind}: ${e.message}` : `foreign ${String(e)}`),
  );
}

/** What an operator reads of a missing segment: the hour, part, bytes and segment looked for, and where (the blob path ends it). */
const missing = (hour: string, segment: string) => {
  const [part, from, to] = segment.split('-');
  const where = `${hour}/${segment}.bin`.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(
    `^LedgerSegmentMissing/permanent: the ids of the batch of ${hour.replace(/\./g, '\\.')} in part ${Number(part)}, bytes ${from}-${to} \\(segment ${segment}\\) ` +
      `are not in host storage \\(AzureWebJobsStorage\\) at \\S.*${where}, though its batch is in the lake: the hour cannot be re-checked`,
  );
};

export function describeIdLedgerContract(name: string, makeSubject: () => Promise<IdLedgerSubject>): void {
  describe(`IdLedger contract: ${name}`, () => {
    let s: IdLedgerSubject;
    beforeEach(async () => {
      s = await makeSubject();
    });

    describe('put and read', () => {
      it('reads back the bytes put, in the order asked for, whatever the order they were put in', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S1, digests(0x20), opts);
        await ledger.put(H0, S0, digests(0x10), opts);
        expect(await ledger.read(H0, [S0, S1], opts)).toEqual([digests(0x10), digests(0x20)]);
        expect(await ledger.read(H0, [S1, S0], opts)).toEqual([digests(0x20), digests(0x10)]);
        expect(await s.stored()).toEqual([`${H0}/${S0}`, `${H0}/${S1}`]);
      });

      it('reading no segments is no segments', async () => {
        expect(await s.ledger().read(H0, [], opts)).toEqual([]);
      });

      it('an empty segment (a batch of no ids) reads back empty', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, Buffer.alloc(0), opts);
        expect(await ledger.read(H0, [S0], opts)).toEqual([Buffer.alloc(0)]);
      });

      it('a put again of the same segment (a retried batch) replaces it', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, digests(0x10), opts);
        await ledger.put(H0, S0, digests(0x30, 5), opts);
        expect(await ledger.read(H0, [S0], opts)).toEqual([digests(0x30, 5)]);
        expect(await s.stored()).toEqual([`${H0}/${S0}`]);
      });

      it('the caller may reuse its buffer once put has returned, and what read returns is its own', async () => {
        const ledger = s.ledger();
        const buffer = digests(0x10);
        await ledger.put(H0, S0, buffer, opts);
        buffer.fill(0xff);
        const [first] = await ledger.read(H0, [S0], opts);
        expect(first).toEqual(digests(0x10));
        first!.fill(0xee);
        expect(await ledger.read(H0, [S0], opts)).toEqual([digests(0x10)]);
      });

      it('segments belong to their hour: the same name in another hour is another segment', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, digests(0x10), opts);
        await ledger.put(H1, S0, digests(0x40), opts);
        expect(await ledger.read(H1, [S0], opts)).toEqual([digests(0x40)]);
        expect(await ledger.read(H0, [S0], opts)).toEqual([digests(0x10)]);
      });

      it('another process reads what one put', async () => {
        await s.ledger().put(H0, S0, digests(0x10), opts);
        expect(await s.ledger().read(H0, [S0], opts)).toEqual([digests(0x10)]);
      });
    });

    describe('a missing segment', () => {
      it('is LedgerSegmentMissing (permanent), naming the hour and the segment', async () => {
        expect(await failure(s.ledger().read(H0, [S0], opts))).toMatch(missing(H0, S0));
      });

      it('fails the whole read, however many of the others are there', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, digests(0x10), opts);
        await ledger.put(H0, S2, digests(0x20), opts);
        expect(await failure(ledger.read(H0, [S0, S1, S2], opts))).toMatch(missing(H0, S1));
      });

      it('in another hour than the one it was put in is missing', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, digests(0x10), opts);
        expect(await failure(ledger.read(H1, [S0], opts))).toMatch(missing(H1, S0));
      });
    });

    describe('pruneBefore', () => {
      it('forgets every hour before the horizon and keeps the horizon hour and those after', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, digests(0x10), opts);
        await ledger.put(H0, S1, digests(0x11), opts);
        await ledger.put(H1, S0, digests(0x20), opts);
        await ledger.put(H2, S2, digests(0x30), opts);
        await ledger.pruneBefore(H1, opts);
        expect(await s.stored()).toEqual([`${H1}/${S0}`, `${H2}/${S2}`]);
        expect(await failure(ledger.read(H0, [S0], opts))).toMatch(missing(H0, S0));
        expect(await ledger.read(H1, [S0], opts)).toEqual([digests(0x20)]);
        expect(await ledger.read(H2, [S2], opts)).toEqual([digests(0x30)]);
      });

      it('pruning what is already gone succeeds and changes nothing', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, digests(0x10), opts);
        await ledger.put(H2, S0, digests(0x30), opts);
        await ledger.pruneBefore(H1, opts);
        await ledger.pruneBefore(H1, opts);
        await s.ledger().pruneBefore(H0, opts);
        expect(await s.stored()).toEqual([`${H2}/${S0}`]);
      });

      it('pruning an empty ledger succeeds', async () => {
        await s.ledger().pruneBefore(H2, opts);
        expect(await s.stored()).toEqual([]);
      });

      it("leaves another configuration's segments alone, and they it", async () => {
        const ledger = s.ledger();
        const other = s.otherConfiguration();
        await ledger.put(H0, S0, digests(0x10), opts);
        await other.put(H0, S0, digests(0x50), opts);
        await ledger.pruneBefore(H1, opts);
        expect(await other.read(H0, [S0], opts)).toEqual([digests(0x50)]);
        await ledger.put(H0, S1, digests(0x11), opts);
        await other.pruneBefore(H1, opts);
        expect(await ledger.read(H0, [S1], opts)).toEqual([digests(0x11)]);
        expect(await failure(other.read(H0, [S0], opts))).toMatch(missing(H0, S0));
      });
    });

    describe('a host storage that never stored a thing (no state container)', () => {
      it('prunes as empty, reads as missing, and the first put makes room', async () => {
        await s.wipe();
        const ledger = s.ledger();
        await ledger.pruneBefore(H2, opts);
        expect(await failure(ledger.read(H0, [S0], opts))).toMatch(missing(H0, S0));
        await ledger.put(H0, S0, digests(0x10), opts);
        expect(await ledger.read(H0, [S0], opts)).toEqual([digests(0x10)]);
      });
    });

    describe('aborted calls', () => {
      it('a call whose signal is already aborted rejects (Aborted, retryable) and changes nothing', async () => {
        const ledger = s.ledger();
        await ledger.put(H0, S0, digests(0x10), opts);
        expect(await outcome(ledger.put(H0, S1, digests(0x20), abortedOpts()))).toBe('Aborted/retryable');
        expect(await outcome(ledger.read(H0, [S0], abortedOpts()))).toBe('Aborted/retryable');
        expect(await outcome(ledger.pruneBefore(H1, abortedOpts()))).toBe('Aborted/retryable');
        expect(await s.stored()).toEqual([`${H0}/${S0}`]);
      });
    });
  });
}
