// The hostile audit search's newer switches do what the property test relies on: a lying count, ids spelled with
// escapes (the same by value), order kept within pages only, and events served exactly as stored.
import { seededRandom } from '../../dev/seededRandom';
import { HostileSource, escapedSpelling, eventsAt, type Hostility, type StoredEvent } from '../support/hostileSource';

const T0 = Date.parse('2026-06-01T00:00:00Z');
const window = { start: new Date(T0), end: new Date(T0 + 3600_000) };

async function page(source: HostileSource, offset: number, size: number): Promise<{ count?: number; hits: Array<Record<string, unknown>>; text: string }> {
  return source.fetchAnswer({ window, from: window.start, to: window.end, offset, size }, ({ body }) => ({ ...JSON.parse(body.toString('utf8')), text: body.toString('utf8') }), {
    abortSignal: new AbortController().signal,
  });
}
const source = (events: StoredEvent[], hostility: Hostility) => new HostileSource(events, hostility, seededRandom(3));

describe('the hostile audit search', () => {
  it('spells ids with escapes that are the same string by value, differently from one answer to the next', () => {
    const rand = seededRandom(7);
    const spellings = new Set<string>();
    for (const id of ['tenant/0018', 'a', 'x"y\\z', 'é/ü']) {
      for (let i = 0; i < 50; i++) {
        const token = escapedSpelling(id, rand);
        expect(JSON.parse(token)).toBe(id);
        if (id === 'tenant/0018') spellings.add(token);
      }
    }
    expect(spellings.size).toBeGreaterThan(40);
    expect([...spellings].some((s) => s.includes('\\/'))).toBe(true);
  });

  it('serves spelled ids within otherwise unchanged events, and raw events as they are', async () => {
    const raw = '{"id":4711,"eventTimestamp":"2026-06-01T00:00:02Z","action":"QUERY"}';
    const events = [...eventsAt(T0, 60_000, 2).map((e) => ({ ...e, id: `t/${e.id}` })), { id: 'bad', t: T0 + 59_000, raw }];
    const answer = await page(source(events, { spellId: () => '"\\u0074\\/e00000"' }), 0, 10);
    expect(answer.hits.map((h) => h.id)).toEqual(['t/e00000', 't/e00000', 4711]);
    expect(answer.text).toContain(`,${raw}]`);
    expect(answer.hits[1]).toEqual({ id: 't/e00000', eventTimestamp: new Date(events[1]!.t).toISOString(), action: 'QUERY' });
  });

  it('reports the count it is told to', async () => {
    const events = eventsAt(T0, 60_000, 12);
    expect((await page(source(events, { count: (n) => Math.min(n, 5) }), 0, 3)).count).toBe(5);
    expect((await page(source(events, { count: (n) => n - 3 }), 0, 3)).count).toBe(9);
    expect((await page(source(events, {}), 0, 3)).count).toBe(12);
  });

  it('with order kept within pages only, each page is in time order and the pages together are not', async () => {
    const events = eventsAt(T0, 600_000, 30);
    const s = source(events, { sortedWithinPagesOnly: true });
    const times: number[][] = [];
    for (let offset = 0; offset < 30; offset += 5) times.push((await page(s, offset, 5)).hits.map((h) => Date.parse(h.eventTimestamp as string)));
    for (const p of times) expect(p).toEqual([...p].sort((a, b) => a - b));
    expect(times.flat()).not.toEqual([...times.flat()].sort((a, b) => a - b));
    expect(new Set(times.flat()).size).toBe(30);
  });
});
