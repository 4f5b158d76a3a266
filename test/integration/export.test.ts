// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { allLines, expectedLine, hourFileOf, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-01-10T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const LAG_MS = 300_000;

describe('export into the lake (sample API: 1,200 events over 5 hours)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 1200, start: at(10), spanSeconds: 5 * 3600, seed: 7 });
  });
  afterAll(() => h?.stop());

  it('writes every event exactly once, byte-identical per line, in its hour file, in order', async () => {
    const summary = await h.run(new Date(at(6 * 60).getTime() + LAG_MS), { ADLS_PATH: 'all', AUDIT_PAGE_SIZE: '100' });
    const api = h.apiEvents();
    expect(api).toHaveLength(1200);
    expect(summary).toMatchObject({ status: 'caught-up', events: 1200 });

    const files = await h.readLake('all');
    expect(allLines(files)).toEqual(api.map(expectedLine));
    for (const [path, lines] of files) {
      for (const line of lines) expect(hourFileOf(line, 'all')).toBe(path);
    }
    expect([...files.keys()].sort()).toEqual([...new Set(api.map((e) => hourFileOf(e, 'all')))].sort());
  });

  it('continues where the last run stopped over several runs, and an empty window only moves the watermark', async () => {
    const env = { ADLS_PATH: 'runs', AUDIT_PAGE_SIZE: '64' };
    const first = await h.run(at(90), env);
    const upTo = (t: Date) => h.apiEvents({ maxDate: t }).map(expectedLine);
    expect(first.watermark).toBe(new Date(at(90).getTime() - LAG_MS).toISOString());
    expect(allLines(await h.readLake('runs'))).toEqual(upTo(new Date(first.watermark)));

    const second = await h.run(at(200), env);
    expect(second.events).toBeGreaterThan(0);
    expect(allLines(await h.readLake('runs'))).toEqual(upTo(new Date(second.watermark)));

    const third = await h.run(at(7 * 60), env);
    expect(allLines(await h.readLake('runs'))).toEqual(h.apiEvents().map(expectedLine));
    expect(first.events + second.events + third.events).toBe(1200);

    // Two more hours with no events: nothing written, no file created, the watermark still moves.
    const filesBefore = [...(await h.readLake('runs')).keys()];
    const empty = await h.run(at(9 * 60), env);
    expect(empty).toMatchObject({ events: 0, bytes: 0, files: [] });
    expect(empty.watermark).toBe(new Date(at(9 * 60).getTime() - LAG_MS).toISOString());
    expect([...(await h.readLake('runs')).keys()]).toEqual(filesBefore);
  });
});
