// Keyset paging against an audit search that misbehaves: every event of the window is handed out as NEW exactly
// once (a repeated id once), whatever the API does and wherever the paging is interrupted and resumed.
import { initialCheckpoint } from '../../src/checkpoint/checkpoint';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { advance } from '../../src/pages/advance';
import { checkCount } from '../../src/pages/countCheck';
import { cursorOf, positionOf } from '../../src/pages/cursor';
import { startOf, type Position } from '../../src/pages/position';
import { NEW, QUARANTINE, refuseUnplaceable } from '../../src/pages/sortAnswer';
import { unplaceable } from '../../src/pages/unplaceable';
import { windowPages, type WindowEnd } from '../../src/pages/windowPages';
import { prefetch } from '../../src/pages/prefetch';
import { ReadAhead } from '../../src/pages/readAhead';
import { idOf } from '../../src/ndjson/auditPage';
import type { AuditAnswer, PageRequest } from '../../src/ports/auditSource';
import type { Window } from '../../src/time/window';
import { seededRandom } from '../../dev/seededRandom';
import { HostileSource, eventsAt, type Hostility, type StoredEvent } from '../support/hostileSource';

const START = Date.parse('2026-03-01T10:00:00Z');
const window: Window = { start: new Date(START), end: new Date(START + 3600_000) };
const signal = new AbortController().signal;

/** Keeps a position as the checkpoint would: encoded, decoded. */
function throughCheckpoint(p: Position): Position {
  const c = decodeCheckpoint(encodeCheckpoint({ ...initialCheckpoint(window.start), cursor: cursorOf(window, p) }));
  return positionOf(c.cursor!).position;
}

/**
 * Pages the window to its end. With `interrupt`, each answer may be cut short at a random event, as a crash
 * after a batch would: the position there is kept and paging starts again from it.
 */
async function drain(source: HostileSource, size: number, interrupt?: () => number): Promise<{ written: string[]; end: WindowEnd; restarts: number }> {
  const written: string[] = [];
  let position = startOf(window);
  let restarts = 0;
  for (let round = 0; round < 10_000; round++) {
    const pages = windowPages(source, window, position, { size, abortSignal: signal, ahead: 3 });
    let cut = false;
    let item = await pages.next();
    while (!item.done) {
      const { page, sorted, request } = item.value;
      const upto = interrupt ? Math.min(page.eventTimes.length, Math.floor(interrupt() * (page.eventTimes.length + 4))) : page.eventTimes.length;
      for (let i = 0; i < Math.min(upto, sorted.end); i++) if (sorted.kinds[i] === NEW) written.push(JSON.parse(idOf(page, i)) as string);
      if (upto < page.eventTimes.length) {
        position = throughCheckpoint(advance(item.value.position, page, sorted, upto, request));
        cut = true;
        break;
      }
      item = await pages.next();
    }
    if (!cut) return { written, end: item.value as WindowEnd, restarts };
    await pages.return(undefined as never);
    restarts++;
  }
  throw new Error('did not finish');
}

const expectExactlyOnce = (written: string[], events: StoredEvent[]) => {
  const inWindow = events.filter((e) => e.t >= START && e.t < window.end.getTime()).map((e) => e.id);
  expect(written.length).toBe(new Set(written).size);
  expect([...written].sort()).toEqual([...new Set(inWindow)].sort());
};

// Events at the window's very edges too: at its start, the millisecond before, at its end.
const population = (tie: number, count = 400): StoredEvent[] => [
  ...eventsAt(START, 3600_000, count, tie),
  { id: 'before', t: START - 1 },
  { id: 'edge-start', t: START },
  { id: 'edge-end', t: window.end.getTime() },
  { id: 'last-ms', t: window.end.getTime() - 1 },
];

const BOUNDS: Array<[boolean, boolean]> = [[true, false], [true, true], [false, false], [false, true]];

describe('windowPages: keyset paging that no misbehaving API can make lose or double an event', () => {
  describe.each(BOUNDS)('minDate inclusive %s, maxDate inclusive %s', (minInclusive, maxInclusive) => {
    it.each<[string, Hostility, number]>([
      ['well-behaved', {}, 1],
      ['a page cap lower than the size asked (3a)', { pageCap: 7 }, 1],
      ['ties in a different order on each request (3b)', { unstableTies: true }, 4],
      ['no count (3f)', { noCount: true }, 3],
      ['more events at one instant than fit a page (3g)', {}, 60],
      ['page cap, unstable ties and no count at once', { pageCap: 9, unstableTies: true, noCount: true }, 3],
    ])('%s', async (_, hostility, tie) => {
      const events = population(tie);
      const source = new HostileSource(events, { ...hostility, minInclusive, maxInclusive }, seededRandom(tie * 7 + 1));
      const { written, end } = await drain(source, 25);
      expectExactlyOnce(written, events);
      const check = checkCount(end);
      expect(check).toMatchObject(hostility.noCount ? { verified: false, missing: 0, countBelowExported: 0 } : { verified: true, missing: 0, countBelowExported: 0 });
      if (hostility.pageCap && !hostility.noCount) expect(end.shortPages).toBeGreaterThan(0);
    });

    it('the same id served twice, in one page or across pages (3d): written once, counted', async () => {
      const events = population(2);
      const duplicated = new Set(events.filter((_, i) => i % 9 === 0 && i < 400).map((e) => e.id));
      const source = new HostileSource(events, { duplicated, minInclusive, maxInclusive });
      const { written, end } = await drain(source, 10);
      expectExactlyOnce(written, events);
      const inWindow = events.filter((e) => duplicated.has(e.id) && e.t >= START && e.t < window.end.getTime()).length;
      expect(end.position.dropped).toBe(inWindow);
      expect(checkCount(end)).toMatchObject({ verified: true, missing: 0, countBelowExported: 0 });
    });

    it('one id spelled two ways, by request and by copy, in one page or across pages: written once, counted', async () => {
      const events = population(3).map((e) => ({ ...e, id: `tenant/${e.id}` }));
      const duplicated = new Set(events.filter((_, i) => i % 7 === 0 && i < 400).map((e) => e.id));
      const source = new HostileSource(events, { duplicated, unstableTies: true, escapedIds: (_, n, copy) => (n + copy) % 2 === 0, minInclusive, maxInclusive }, seededRandom(3));
      const { written, end, restarts } = await drain(source, 10, seededRandom(17));
      expect(restarts).toBeGreaterThan(3);
      expectExactlyOnce(written, events);
      const inWindow = events.filter((e) => duplicated.has(e.id) && e.t >= START && e.t < window.end.getTime()).length;
      expect(end.position.dropped).toBe(inWindow);
      expect(checkCount(end)).toMatchObject({ verified: true, missing: 0, countBelowExported: 0 });
    });

    it('interrupted at random events and resumed from the checkpoint, under every fault at once', async () => {
      const events = population(5);
      const duplicated = new Set(events.filter((_, i) => i % 13 === 0).map((e) => e.id));
      const rand = seededRandom(99);
      const source = new HostileSource(events, { pageCap: 11, unstableTies: true, duplicated, minInclusive, maxInclusive }, seededRandom(5));
      const { written, restarts, end } = await drain(source, 20, rand);
      expect(restarts).toBeGreaterThan(5);
      expectExactlyOnce(written, events);
      expect(checkCount(end).missing).toBe(0);
    });
  });

  it.each([
    ['inserted', 5, 0],
    ['removed', 0, 10],
    ['inserted and removed', 5, 10],
  ])('events %s while paging (3e): none doubled or skipped; an insert behind the paging is noticed', async (_, inserts, removes) => {
    const events = population(1, 300);
    const original = new Set(events.map((e) => e.id));
    let removed: string[] = [];
    let inserted: StoredEvent[] = [];
    const source = new HostileSource(events, {
      beforeAnswer: (n, all) => {
        if (n !== 8) return;
        // Events spread over the window go away or come in, some behind the paging, some ahead of it.
        const mine = all.filter((e) => e.t >= START && e.t < window.end.getTime());
        removed = mine.filter((_, i) => i % 29 === 3).slice(0, removes).map((e) => e.id);
        for (const id of removed) all.splice(all.findIndex((e) => e.id === id), 1);
        inserted = [0.1, 0.3, 0.5, 0.7, 0.9].slice(0, inserts).map((f, i) => ({ id: `ins${i}`, t: START + Math.floor(f * 3600_000) + 1 }));
        all.push(...inserted);
      },
    });
    const { written, end } = await drain(source, 20);
    expect(written.length).toBe(new Set(written).size);
    const kept = [...original].filter((id) => !removed.includes(id) && !['before', 'edge-end'].includes(id));
    for (const id of kept) expect(written).toContain(id);
    // Each insert is either written (ahead of the paging) or missing (behind it): never both.
    const insertsMissing = inserted.filter((e) => !written.includes(e.id)).length;
    const removedWritten = removed.filter((id) => written.includes(id)).length;
    if (inserts) expect(insertsMissing).toBeGreaterThan(0);
    if (removes) expect(removedWritten).toBeGreaterThan(0);
    const check = checkCount(end);
    expect(check.verified).toBe(true);
    // A count tells the net difference only: inserts and removals in one window can offset each other.
    expect(check.missing - check.countBelowExported).toBe(insertsMissing - removedWritten);
    if (!removes) expect(check.missing).toBe(insertsMissing);
    if (!inserts) expect(check.countBelowExported).toBe(removedWritten);
  });

  it('never reads a time without a zone as local time: the event cannot be placed (quarantine), or with stop the answer is refused naming it', async () => {
    const source = {
      fetchAnswer: async <T>(_request: PageRequest, read: (answer: AuditAnswer) => T) => {
        const body = JSON.stringify({ count: 1, hits: [{ id: 'local-1', eventTimestamp: '2026-03-01T10:30:00' }] });
        return read({ body: Buffer.from(body), timeKey: 'eventTimestamp' });
      },
    };
    const first = await windowPages(source, window, startOf(window), { size: 10, abortSignal: signal }).next();
    if (first.done) throw new Error('no answer');
    const { page, request, sorted, after } = first.value;
    expect([...sorted.kinds]).toEqual([QUARANTINE]);
    expect(sorted.fresh).toBe(0);
    expect(after.written).toBe(0);
    expect(unplaceable(page, request, 0)).toEqual({ reason: 'time', id: 'local-1', time: '"2026-03-01T10:30:00"' });
    expect(() => refuseUnplaceable(page, request, sorted)).toThrow(/event 0 \(id local-1\) has no valid time \("2026-03-01T10:30:00"\)/);
  });

  it('legacy: dateTime 1.7966778e12 is the whole number of milliseconds it spells; a time that is none cannot be placed, and is refused in dateTime\'s own words with stop', async () => {
    const legacy = (hits: object[]) => ({
      fetchAnswer: async <T>(_request: PageRequest, read: (answer: AuditAnswer) => T) => read({ body: Buffer.from(JSON.stringify({ count: hits.length, hits })), timeKey: 'dateTime' }),
    });
    const at = START + 1800_000; // 1772361000000, spelled 1.772361e12 below
    const exponent = (ms: number) => ms.toExponential().replace('+', '');
    const body = `{"count":1,"hits":[{"id":"exp-1","dateTime":${exponent(at)}}]}`;
    const source = { fetchAnswer: async <T>(_request: PageRequest, read: (answer: AuditAnswer) => T) => read({ body: Buffer.from(body), timeKey: 'dateTime' }) };
    const first = await windowPages(source, window, startOf(window), { size: 10, abortSignal: signal }).next();
    expect(first.done).toBe(false);
    if (!first.done) expect([...first.value.page.eventTimes]).toEqual([at]);
    // Not a time: the event cannot be placed (quarantine); with stop, the answer is refused in dateTime's words.
    const frac = await windowPages(legacy([{ id: 'frac-1', dateTime: at + 0.5 }]), window, startOf(window), { size: 10, abortSignal: signal }).next();
    if (frac.done) throw new Error('no answer');
    expect([...frac.value.sorted.kinds]).toEqual([QUARANTINE]);
    expect(() => refuseUnplaceable(frac.value.page, frac.value.request, frac.value.sorted)).toThrow(
      /event 0 \(id frac-1\) has no valid time \(\d+\.5\): "dateTime" must be epoch milliseconds, a whole number of 0 or more \(a JSON number, or a string of digits\)$/,
    );
  });
});

describe('a count that lies ends no window and bounds no page: it is a cross-check only (issue 22, items 1 and 10)', () => {
  const inWindowOf = (events: StoredEvent[]) => events.filter((e) => e.t >= START && e.t < window.end.getTime()).length;

  describe.each(BOUNDS)('minDate inclusive %s, maxDate inclusive %s', (minInclusive, maxInclusive) => {
    it.each<[string, (truth: number) => number, number]>([
      // Elasticsearch's hits.total stops at 10,000 by default; here at 50.
      ['capped at 50', (truth) => Math.min(truth, 50), 1],
      ['three fewer than the truth', (truth) => Math.max(0, truth - 3), 1],
      ['five more than the truth', (truth) => truth + 5, 1],
      ['capped at 50, with ties in another order on each request', (truth) => Math.min(truth, 50), 4],
    ])('%s: every event exactly once, and the check says what the count is', async (name, count, tie) => {
      const events = population(tie);
      const source = new HostileSource(events, { count, minInclusive, maxInclusive, unstableTies: tie > 1 }, seededRandom(tie));
      const { written, end } = await drain(source, 25);
      expectExactlyOnce(written, events);
      const check = checkCount(end);
      expect(check.verified).toBe(true);
      if (name.startsWith('five more')) expect(check).toMatchObject({ missing: 5, countBelowExported: 0 });
      else if (name.startsWith('three')) expect(check).toMatchObject({ missing: 0, countBelowExported: 3 });
      else expect(check).toMatchObject({ missing: 0, countBelowExported: inWindowOf(events) - check.held! });
    });

    it('more events exactly at the window\'s end than a page: the last millisecond is paged to count them, and the check is exact', async () => {
      const atEnd = Array.from({ length: 7 }, (_, k) => ({ id: `end-${k}`, t: window.end.getTime() }));
      const events = [...eventsAt(START, 3600_000, 12), ...atEnd];
      const source = new HostileSource(events, { minInclusive, maxInclusive });
      const { written, end } = await drain(source, 3);
      expectExactlyOnce(written, events);
      expect(end.beyond).toBe(maxInclusive ? 7 : 0);
      expect(checkCount(end)).toEqual({ verified: true, missing: 0, countBelowExported: 0, held: 12 });
    });

    it('a count below the events its range shows outside the window: unverified, never a negative count', async () => {
      const events = [{ id: 'end', t: window.end.getTime() }];
      const source = new HostileSource(events, { count: (n) => Math.max(0, n - 1), minInclusive, maxInclusive });
      const { written, end } = await drain(source, 3);
      expect(written).toEqual([]);
      expect(checkCount(end)).toEqual(maxInclusive ? { verified: false, missing: 0, countBelowExported: 0 } : { verified: true, missing: 0, countBelowExported: 0, held: 0 });
    });

    it('a count of zero: the window is still paged to its end', async () => {
      const events = population(1, 100);
      const source = new HostileSource(events, { count: () => 0, minInclusive, maxInclusive });
      const { written } = await drain(source, 30);
      expectExactlyOnce(written, events);
    });
  });

  it('a window in one page costs two requests: the page, bounded by the end (its count is the check\'s), and one past it', async () => {
    const events = [...eventsAt(START, 3600_000, 20), ...eventsAt(window.end.getTime() + 60_000, 600_000, 5).map((e) => ({ ...e, id: `next-${e.id}` }))];
    const source = new HostileSource(events);
    const { written, end } = await drain(source, 100);
    expect(written).toHaveLength(20);
    expect(end.requests).toBe(2);
    expect(source.asked.map((r) => r.to.getTime())).toEqual([window.end.getTime(), window.end.getTime() + 3600_000]);
    expect(checkCount(end)).toEqual({ verified: true, missing: 0, countBelowExported: 0, held: 20 });
  });

  it('asks past the end no later than the run began: a maxDate in the future is asked of no API', async () => {
    const events = [...eventsAt(START, 3600_000, 20), { id: 'next', t: window.end.getTime() + 1000 }];
    const source = new HostileSource(events);
    const notAfter = window.end.getTime() + 300_000;
    const pages = windowPages(source, window, startOf(window), { size: 100, abortSignal: signal, notAfter });
    let item = await pages.next();
    while (!item.done) item = await pages.next();
    expect(Math.max(...source.asked.map((r) => r.to.getTime()))).toBe(notAfter);
    expect(item.value.position.written).toBe(20);
  });

  it('an honest count on a window of many pages: the page it says holds the end asks past it, and proves it', async () => {
    const events = [...eventsAt(START, 3600_000, 300), { id: 'next', t: window.end.getTime() + 5 }];
    const source = new HostileSource(events);
    const { written, end } = await drain(source, 25);
    expect(written).toHaveLength(300);
    // 300 events in pages of 25 overlapping by one: 13 pages and a count after them; the first page's count tells
    // which page ahead reaches the end, and only that one asks past it. Pages asked ahead past it are empty.
    const pages = source.asked.filter((r) => r.size > 1);
    expect(pages.filter((r) => r.to.getTime() > window.end.getTime()).map((r) => r.offset)).toEqual([12 * 24]);
    expect(source.asked.filter((r) => r.size === 1)).toHaveLength(1);
    expect(end.requests).toBeLessThanOrEqual(13 + 1 + 3);
    expect(checkCount(end)).toMatchObject({ verified: true, missing: 0 });
  });

  it('a hit past the end mid-page followed by hits of the window is refused as out of order, not taken as the end', async () => {
    const t = (ms: number) => new Date(START + ms).toISOString();
    const source = {
      fetchAnswer: async <T>(_request: PageRequest, read: (answer: AuditAnswer) => T) => {
        const hits = [{ id: 'a', eventTimestamp: t(1) }, { id: 'future', eventTimestamp: t(3600_000) }, { id: 'b', eventTimestamp: t(2) }];
        return read({ body: Buffer.from(JSON.stringify({ count: 3, hits })), timeKey: 'eventTimestamp' });
      },
    };
    const first = windowPages(source, window, startOf(window), { size: 10, abortSignal: signal }).next();
    await expect(first).rejects.toMatchObject({ code: 'InvalidPage', kind: 'retryable' });
    await expect(first).rejects.toThrow(/event 2 \(id "?b"?\) .* is out of time order/);
  });

  it('a record far past every maxDate at the end of each answer (sticky) proves no end: the window is paged whole', async () => {
    const events = eventsAt(START, 3600_000, 60);
    const inner = new HostileSource([...events, { id: 'next', t: window.end.getTime() + 1 }]);
    const sticky = JSON.stringify({ id: 'sticky', eventTimestamp: '2099-01-01T00:00:00.000Z' });
    const source = {
      fetchAnswer: <T>(request: PageRequest, read: (answer: AuditAnswer) => T, options: { abortSignal: AbortSignal }) =>
        inner.fetchAnswer({ ...request, size: request.size - 1 }, (answer) => {
          const body = answer.body.toString();
          return read({ ...answer, body: Buffer.from(body.endsWith('[]}') ? body : body.replace(/\]\}$/, `,${sticky}]}`)) });
        }, options),
    };
    const written: string[] = [];
    const pages = windowPages(source, window, startOf(window), { size: 20, abortSignal: signal });
    let item = await pages.next();
    for (; !item.done; item = await pages.next()) {
      const { page, sorted } = item.value;
      for (let i = 0; i < sorted.end; i++) if (sorted.kinds[i] === NEW) written.push(JSON.parse(idOf(page, i)) as string);
    }
    expect([...written].sort()).toEqual(events.map((e) => e.id));
    // The API does not keep to maxDate: the window's own count cannot be known.
    expect(checkCount(item.value).verified).toBe(false);
  });

  it('pages sorted within themselves only: what the paging cannot see is reported missing, never explained away', async () => {
    const rand = seededRandom(3);
    const events = eventsAt(START, 3600_000, 200).map((e) => ({ e, r: rand() })).sort((a, b) => a.r - b.r).map(({ e }) => e);
    events.push({ id: 'next', t: window.end.getTime() + 10 });
    const source = new HostileSource(events, { sortWithinPagesOnly: true });
    const { written, end } = await drain(source, 40);
    expect(written.length).toBe(new Set(written).size);
    const check = checkCount(end);
    expect(check.verified).toBe(true);
    expect(check.missing).toBe(200 - written.length);
    expect(check.missing).toBeGreaterThan(0);
  });
});

describe('pages asked ahead are bounded by bytes (issue 22, item 12)', () => {
  /** Pages the window through prefetch, as the export does, writing each page before the next; the most answers held at once. */
  async function held(readAhead: ReadAhead): Promise<{ mostLive: number; written: number }> {
    const source = new HostileSource(eventsAt(START, 3600_000, 200), { pad: 2000 });
    const pages = prefetch(windowPages(source, window, startOf(window), { size: 10, abortSignal: signal, readAhead }), 1);
    let written = 0;
    for (let item = await pages.next(); !item.done; item = await pages.next()) {
      written += item.value.sorted.fresh;
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); // the lake write
      item.value.page.release();
    }
    return { mostLive: source.mostLive, written };
  }

  it('pages larger than the bytes allowed are asked one at a time: two in memory, the one written and the one coming', async () => {
    const { mostLive, written } = await held(new ReadAhead(10_000));
    expect(written).toBe(200);
    expect(mostLive).toBeLessThanOrEqual(2);
  });

  it('small pages keep several out', async () => {
    const { mostLive, written } = await held(new ReadAhead(1 << 30));
    expect(written).toBe(200);
    expect(mostLive).toBeGreaterThan(2);
  });

  it('the next window is asked for while one is written only if two pages fit the bytes', () => {
    const readAhead = new ReadAhead(10 << 20);
    expect(readAhead.roomForNext()).toBe(true);
    readAhead.saw(4 << 20);
    expect(readAhead.pages()).toBe(2);
    expect(readAhead.roomForNext()).toBe(true);
    readAhead.saw(6 << 20);
    expect(readAhead.pages()).toBe(1);
    expect(readAhead.roomForNext()).toBe(false);
  });
});
