import { PageBuffers } from '../../src/adapters/auditApi/pageBuffers';
import { readPage } from '../../src/ndjson/auditPage';
import type { AuditAnswer, AuditSource, PageRequest } from '../../src/ports/auditSource';

/** Answers with the given bodies in turn, each in a buffer reused from the last released one, as the HTTP source does. */
class PooledSource implements AuditSource {
  readonly #buffers = new PageBuffers(1);
  constructor(private readonly bodies: string[]) {}

  async fetchAnswer<T>(_request: PageRequest, read: (answer: AuditAnswer) => T): Promise<T> {
    const text = this.bodies.shift()!;
    const body = this.#buffers.take(Buffer.byteLength(text));
    body.write(text);
    return read({ body, timeKey: 'eventTimestamp', release: () => this.#buffers.give(body) });
  }
}

const window = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T01:00:00Z') };
const request: PageRequest = { window, from: new Date('2025-12-31T23:59:59.999Z'), to: window.end, offset: 0, size: 10 };
const options = { abortSignal: new AbortController().signal };
const pageOf = (id: string) => JSON.stringify({ count: 1, hits: [{ id, eventTimestamp: '2026-01-01T00:00:01Z' }] });

describe('readPage: an answer cut into NDJSON lines', () => {
  it('refuses to describe a released page, whose memory may hold the next page by then', async () => {
    const source = new PooledSource([pageOf('first'), pageOf('other')]);
    const first = await readPage(source, request, options);
    expect(first.describe(0)).toEqual({ id: 'first', time: '"2026-01-01T00:00:01Z"', idIsText: true, hasTime: true, rule: 'it must be an instant with a zone' });
    first.release();
    const second = await readPage(source, request, options);
    expect(second.ndjson.buffer).toBe(first.ndjson.buffer); // the same memory, now holding the other page
    expect(() => first.describe(0)).toThrow(/released page/);
    expect(second.describe(0).id).toBe('other');
  });

  it('hands a page back once however often it is released', async () => {
    const source = new PooledSource([pageOf('a'), pageOf('b'), pageOf('c')]);
    const a = await readPage(source, request, options);
    a.release();
    const b = await readPage(source, request, options);
    expect(b.ndjson.buffer).toBe(a.ndjson.buffer);
    a.release(); // late: the memory is b's now
    const c = await readPage(source, request, options);
    expect(c.ndjson.buffer).not.toBe(b.ndjson.buffer);
    expect([b.describe(0).id, c.describe(0).id]).toEqual(['b', 'c']);
  });

  it('makes an answer that is not a valid page a retryable InvalidPage error, naming the request', async () => {
    const source = new PooledSource([pageOf('cut').slice(0, 20)]);
    const error = await readPage(source, request, options).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'InvalidPage', kind: 'retryable' });
    expect((error as Error).message).toBe(
      'the audit API returned an invalid page at window 2026-01-01T00:00:00.000Z..2026-01-01T01:00:00.000Z (minDate 2025-12-31T23:59:59.999Z, offset 0): ' +
        'hit 0: expected a "quoted" object key; found end of input at byte 20',
    );
  });

  it('hands the buffer of an answer that is not a page back, for the answer asked for next', async () => {
    const cut = pageOf('cut').slice(0, 20);
    const source = new PooledSource([cut, pageOf('next')]);
    const buffers: ArrayBufferLike[] = [];
    const watched: AuditSource = {
      fetchAnswer: (r, read) =>
        source.fetchAnswer(r, (answer) => {
          buffers.push(answer.body.buffer);
          return read(answer);
        }),
    };
    await expect(readPage(watched, request, options)).rejects.toMatchObject({ code: 'InvalidPage' });
    const next = await readPage(watched, request, options);
    expect(buffers[1]).toBe(buffers[0]);
    expect(next.describe(0).id).toBe('next');
  });
});
