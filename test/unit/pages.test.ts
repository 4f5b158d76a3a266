// pagesOf against an in-memory audit source: pages in order, a bounded number requested ahead, and a short
// page that ends the window and abandons what was requested after it.
import type { AuditPage, AuditSource, PageRequest } from '../../src/ports/auditSource';
import { pagesOf } from '../../src/pipeline/pages';

const window = { start: new Date('2026-01-01T10:00:00Z'), end: new Date('2026-01-01T11:00:00Z') };
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** `total` events, one per second from the window's start; answers come back when released, in any order. */
function source(total: number) {
  const asked: number[] = [];
  const aborted: number[] = [];
  const pending = new Map<number, () => void>();
  const src: AuditSource = {
    fetchPage(request: PageRequest, { abortSignal }) {
      asked.push(request.offset);
      abortSignal.addEventListener('abort', () => aborted.push(request.offset));
      return new Promise<AuditPage>((resolve) => {
        pending.set(request.offset, () => {
          const n = Math.max(0, Math.min(request.size, total - request.offset));
          const lines = Array.from({ length: n }, (_, i) => `{"id":"${request.offset + i}"}\n`);
          let end = 0;
          resolve({
            total,
            ndjson: Buffer.from(lines.join('')),
            lineEnds: lines.map((l) => (end += l.length)),
            eventTimes: lines.map((_, i) => window.start.getTime() + (request.offset + i) * 1000),
            describe: (i) => ({ id: String(request.offset + i), eventTimestamp: '' }),
          });
        });
      });
    },
  };
  const release = (offset: number) => (pending.get(offset)!(), pending.delete(offset));
  return { src, asked, aborted, release };
}

describe('pagesOf', () => {
  it('keeps `ahead` requests out, hands pages over in order, and stops at the first short page', async () => {
    const s = source(25);
    const got: number[] = [];
    const reading = (async () => {
      for await (const { page, offset } of pagesOf(s.src, window, 0, 10, new AbortController().signal, 3)) got.push(offset, page.lineEnds.length);
    })();
    await tick();
    expect(s.asked).toEqual([0]); // nothing is known about the window until the first page comes back
    s.release(0);
    await tick();
    expect(s.asked).toEqual([0, 10, 20, 30]);
    // A later page answering first is held back until the one before it is handed over.
    s.release(20);
    await tick();
    expect(got).toEqual([0, 10]);
    s.release(10);
    await reading;
    expect(got).toEqual([0, 10, 10, 10, 20, 5]);
    // Page 10 came back full, so 40 was requested too; both requests past the short page are abandoned.
    expect(s.asked).toEqual([0, 10, 20, 30, 40]);
    expect(s.aborted.sort()).toEqual([30, 40]);
  });

  it('requests one page at a time with ahead = 1', async () => {
    const s = source(30);
    const reading = (async () => {
      for await (const _ of pagesOf(s.src, window, 0, 10, new AbortController().signal, 1)) await tick();
    })();
    for (const offset of [0, 10, 20, 30]) {
      await tick();
      expect(s.asked.at(-1)).toBe(offset);
      s.release(offset);
    }
    await reading;
    expect(s.asked).toEqual([0, 10, 20, 30]);
  });
});
