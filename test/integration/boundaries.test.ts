// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { allLines, expectedLine, hourFileOf, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-01-10T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('page boundaries, hour boundaries and special content', () => {
  let h: Harness;
  const hour = at(60);
  const special = [
    { id: 'edge-start', eventTimestamp: hour.toISOString(), note: 'exactly on the hour: belongs to hour 01' },
    { id: 'edge-end', eventTimestamp: new Date(hour.getTime() - 1).toISOString(), note: 'last ms of hour 00' },
    { id: 'text-1', eventTimestamp: at(70).toISOString(), name: 'Zoë Ångström 日本語 🚀', query: 'SELECT "a"\nFROM t -- "quoted"\r\n' },
    { id: 'text-2', eventTimestamp: at(71).toISOString(), sep: 'line\u2028sep\u2029para', tab: '\t', nul: '\u0000' },
    { id: 'big-1', eventTimestamp: at(72).toISOString(), payload: 'x'.repeat(1024 * 1024) },
  ];
  beforeAll(async () => {
    // 400 generated events in hour 00 only: with pages of 100 the window's total is an exact multiple.
    h = await startHarness({ count: 400, start: at(0), spanSeconds: 3000, seed: 3, extraEvents: special });
  });
  afterAll(() => h?.stop());

  it('pages through totals that are exact multiples of the page size and lands boundary events in the right hour', async () => {
    const summary = await h.run(at(3 * 60), { ADLS_PATH: 'edges', AUDIT_PAGE_SIZE: '100' });
    const files = await h.readLake('edges');
    expect(allLines(files)).toEqual(h.apiEvents().map(expectedLine));
    expect(summary.events).toBe(400 + special.length);
    const hour00 = files.get(hourFileOf(JSON.stringify(special[1]), 'edges'))!;
    const hour01 = files.get(hourFileOf(JSON.stringify(special[0]), 'edges'))!;
    expect(hour00.filter((l) => !l.includes('"edge-')).length).toBe(400);
    expect(hour00.at(-1)).toContain('"edge-end"');
    expect(hour01[0]).toContain('"edge-start"');
  });

  it('keeps non-ASCII text, newlines, quotes, U+2028/U+2029 and 1 MiB events intact, one line each', async () => {
    const files = await h.readLake('edges');
    const lines = allLines(files);
    for (const event of special) {
      const line = lines.find((l) => l.startsWith(`{"id":"${event.id}"`));
      expect(line).toBeDefined();
      expect(line).not.toMatch(/[\n\u2028\u2029]/);
      expect(JSON.parse(line!)).toEqual(event);
    }
  });
});
