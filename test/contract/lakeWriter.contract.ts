// The LakeWriter port's rules, as one jest suite any implementation must pass: the Azure adapter on the local
// stack and the in-memory twin run the same tests (azure.contract.test.ts, memory.contract.test.ts).
import { ExportError } from '../../src/errors';
import type { LakeWriter } from '../../src/ports/lakeWriter';

export interface LakeWriterSubject {
  lake: LakeWriter;
  /** Another writer over the same storage, as a second process would have. */
  other(): LakeWriter;
  /** The committed bytes of `path`, read with full rights (not through the port); undefined if there is no such file. */
  read(path: string): Promise<Buffer | undefined>;
  /** Writes `path` whole through another API (the Blob API), as a tool other than the exporter would. */
  putForeign(path: string, data: Buffer): Promise<void>;
  /** A writer on a file system of its own, and a way to delete that file system (and make it again, empty). */
  scratch(): Promise<{ lake: LakeWriter; fileSystem: string; deleteFileSystem(options: { recreate: boolean }): Promise<void> }>;
}

const opts = { abortSignal: new AbortController().signal };
const abortedOpts = () => ({ abortSignal: AbortSignal.abort() });
const b = (text: string) => Buffer.from(text, 'utf8');

/** The ExportError a call ends with ('ok' if none), as `code/kind`. */
async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ExportError ? `${e.code}/${e.kind}` : `foreign ${String(e)}`),
  );
}

export function describeLakeWriterContract(name: string, makeSubject: () => Promise<LakeWriterSubject>): void {
  describe(`LakeWriter contract: ${name}`, () => {
    let s: LakeWriterSubject;
    let n = 0;
    const run = Math.random().toString(36).slice(2, 8);
    /** A path no other test uses, in a nested folder as the hour files are. */
    let path: (file?: string) => string;
    beforeEach(async () => {
      s = await makeSubject();
      const test = ++n;
      path = (file = 'f.ndjson') => `contract-${run}/t${test}/year=2026/${file}`;
    });
    const text = async (p: string) => (await s.read(p))?.toString('utf8');

    describe('create', () => {
      it('creates an empty, visible file', async () => {
        expect(await s.lake.createFile(path(), opts)).toEqual({ created: true });
        expect(await text(path())).toBe('');
      });

      it('never truncates: creating an existing path reports created: false and changes nothing, not even staged bytes', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('one\n'), 0, opts);
        await s.lake.flush(path(), 4, opts);
        await s.lake.append(path(), b('two\n'), 4, opts);
        expect(await s.lake.createFile(path(), opts)).toEqual({ created: false });
        expect(await text(path())).toBe('one\n');
        await s.lake.flush(path(), 8, opts);
        expect(await text(path())).toBe('one\ntwo\n');
      });
    });

    describe('append stages, flush commits', () => {
      it('appended bytes are invisible until a flush commits them', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('staged\n'), 0, opts);
        expect(await text(path())).toBe('');
        await s.lake.flush(path(), 7, opts);
        expect(await text(path())).toBe('staged\n');
      });

      it('commits the exact bytes, binary-safe, and later batches extend the file', async () => {
        const first = b('{"a":"ü\u2028€"}\n');
        const second = Buffer.from([0x00, 0xff, 0x0a]);
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), first, 0, opts);
        await s.lake.flush(path(), first.length, opts);
        await s.lake.append(path(), second, first.length, opts);
        await s.lake.flush(path(), first.length + second.length, opts);
        expect((await s.read(path()))!.equals(Buffer.concat([first, second]))).toBe(true);
      });

      it('appends may arrive out of order; the flush puts them in position order', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('world'), 5, opts);
        await s.lake.append(path(), b('!\n'), 10, opts);
        await s.lake.append(path(), b('hello'), 0, opts);
        await s.lake.flush(path(), 12, opts);
        expect(await text(path())).toBe('helloworld!\n');
      });

      it('the caller may reuse its buffer once append has returned', async () => {
        const buffer = b('original\n');
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), buffer, 0, opts);
        buffer.fill('x');
        await s.lake.flush(path(), 9, opts);
        expect(await text(path())).toBe('original\n');
      });

      it('a repeated append (a retry at the same position) is committed once', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('once\n'), 0, opts);
        await s.lake.append(path(), b('once\n'), 0, opts);
        await s.lake.flush(path(), 5, opts);
        expect(await text(path())).toBe('once\n');
      });

      it('an empty append is refused (EmptyAppend, permanent)', async () => {
        await s.lake.createFile(path(), opts);
        expect(await outcome(s.lake.append(path(), Buffer.alloc(0), 0, opts))).toBe('EmptyAppend/permanent');
      });
    });

    describe('the position fence', () => {
      it('a flush past the staged bytes is FlushPositionMismatch (conflict); nothing is committed and the staged bytes stay', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('abc\n'), 0, opts);
        expect(await outcome(s.lake.flush(path(), 8, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('');
        await s.lake.flush(path(), 4, opts);
        expect(await text(path())).toBe('abc\n');
      });

      it('a gap in the staged bytes is FlushPositionMismatch', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('aaaaa'), 0, opts);
        await s.lake.append(path(), b('ccccc'), 10, opts);
        expect(await outcome(s.lake.flush(path(), 15, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('');
      });

      it('a flush inside a staged append (not at its end) is FlushPositionMismatch', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('abcdef'), 0, opts);
        expect(await outcome(s.lake.flush(path(), 3, opts))).toBe('FlushPositionMismatch/conflict');
        await s.lake.flush(path(), 6, opts);
        expect(await text(path())).toBe('abcdef');
      });

      it('a flush drops the staged bytes it does not commit, so no later flush can commit them', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('abc\n'), 0, opts);
        await s.lake.append(path(), b('def\n'), 4, opts);
        await s.lake.flush(path(), 4, opts);
        expect(await outcome(s.lake.flush(path(), 8, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('abc\n');
      });

      it('a flush at the committed length with stray staged bytes succeeds, commits nothing and drops them', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('stray\n'), 0, opts);
        await s.lake.flush(path(), 0, opts);
        expect(await outcome(s.lake.flush(path(), 6, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('');
      });

      it('a flush at the committed length with nothing staged succeeds and changes nothing (the recovery probe)', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('12345\n'), 0, opts);
        await s.lake.flush(path(), 6, opts);
        await s.lake.flush(path(), 6, opts);
        expect(await text(path())).toBe('12345\n');
      });

      it('a flush below the committed length is FlushPositionMismatch and changes nothing', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('0123456789'), 0, opts);
        await s.lake.flush(path(), 10, opts);
        expect(await outcome(s.lake.flush(path(), 4, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await outcome(s.lake.flush(path(), 0, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('0123456789');
      });

      it('an append below the committed length is FlushPositionMismatch and stages nothing', async () => {
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('0123456789'), 0, opts);
        await s.lake.flush(path(), 10, opts);
        expect(await outcome(s.lake.append(path(), b('x'), 9, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await outcome(s.lake.append(path(), b('xy'), 0, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await outcome(s.lake.flush(path(), 11, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('0123456789');
      });

      it('staged bytes belong to the file, not to a writer: whoever flushes commits what runs contiguously', async () => {
        const other = s.other();
        await s.lake.createFile(path(), opts);
        await s.lake.append(path(), b('mine\n'), 0, opts);
        await other.flush(path(), 5, opts);
        expect(await text(path())).toBe('mine\n');
        // …and a flush at `from` by either drops what the other staged.
        await s.lake.append(path(), b('late\n'), 5, opts);
        await other.flush(path(), 5, opts);
        expect(await outcome(s.lake.flush(path(), 10, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('mine\n');
      });
    });

    describe('files written by others, and a file system that is gone', () => {
      it('a file written through another API is never extended: created: false, appends and flushes are FlushPositionMismatch, and it stays as it was', async () => {
        await s.putForeign(path(), b('not ours\n'));
        expect(await s.lake.createFile(path(), opts)).toEqual({ created: false });
        expect(await outcome(s.lake.flush(path(), 0, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await outcome(s.lake.append(path(), b('x'), 9, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await outcome(s.lake.flush(path(), 10, opts))).toBe('FlushPositionMismatch/conflict');
        expect(await text(path())).toBe('not ours\n');
      });

      it('on a file system that does not exist, every call is FileSystemNotFound (permanent), naming the file system', async () => {
        const gone = await s.scratch();
        await gone.deleteFileSystem({ recreate: false });
        const calls = [() => gone.lake.createFile(path(), opts), () => gone.lake.append(path(), b('x'), 0, opts), () => gone.lake.flush(path(), 0, opts)];
        for (const call of calls) {
          const error = await call().then(() => undefined, (e: unknown) => e as ExportError);
          expect(`${error?.code}/${error?.kind}`).toBe('FileSystemNotFound/permanent');
          expect(error?.message).toContain(`the file system "${gone.fileSystem}" does not exist`);
        }
      });

      it('a file system deleted and made again holds none of its files: a path that existed is created anew (how a run learns its lake was reset)', async () => {
        const fresh = await s.scratch();
        expect(await fresh.lake.createFile(path('_owner'), opts)).toEqual({ created: true });
        expect(await fresh.lake.createFile(path('_owner'), opts)).toEqual({ created: false });
        await fresh.deleteFileSystem({ recreate: true });
        expect(await fresh.lake.createFile(path('_owner'), opts)).toEqual({ created: true });
      });
    });

    describe('missing paths and aborted calls', () => {
      it('append and flush on a path that does not exist are PathNotFound (permanent) and create nothing', async () => {
        expect(await outcome(s.lake.append(path('missing.ndjson'), b('x'), 0, opts))).toBe('PathNotFound/permanent');
        expect(await outcome(s.lake.flush(path('missing.ndjson'), 0, opts))).toBe('PathNotFound/permanent');
        expect(await outcome(s.lake.flush(path('missing.ndjson'), 1, opts))).toBe('PathNotFound/permanent');
        expect(await s.read(path('missing.ndjson'))).toBeUndefined();
      });

      it('a call whose signal is already aborted rejects (Aborted, retryable) and changes nothing', async () => {
        expect(await outcome(s.lake.createFile(path('never.ndjson'), abortedOpts()))).toBe('Aborted/retryable');
        expect(await s.read(path('never.ndjson'))).toBeUndefined();
        await s.lake.createFile(path(), opts);
        expect(await outcome(s.lake.append(path(), b('lost\n'), 0, abortedOpts()))).toBe('Aborted/retryable');
        expect(await outcome(s.lake.flush(path(), 5, opts))).toBe('FlushPositionMismatch/conflict');
        await s.lake.append(path(), b('kept\n'), 0, opts);
        expect(await outcome(s.lake.flush(path(), 5, abortedOpts()))).toBe('Aborted/retryable');
        expect(await text(path())).toBe('');
        await s.lake.flush(path(), 5, opts);
        expect(await text(path())).toBe('kept\n');
      });
    });
  });
}
