// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-01-10T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('file parts', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 5000, start: at(0), spanSeconds: 3000, seed: 5 }); // ~3.6 MB in one hour
  });
  afterAll(() => h?.stop());

  it('rolls to the next part at the size limit, each part within it, without losing or doubling events', async () => {
    const max = 1024 * 1024;
    const summary = await h.run(at(2 * 60), { ADLS_PATH: 'parts', EXPORT_FILE_MAX_BYTES: String(max) });
    const files = await h.readLake('parts');
    const paths = [...files.keys()].sort();
    expect(paths.length).toBeGreaterThanOrEqual(4);
    paths.forEach((p, i) => expect(p).toMatch(new RegExp(`/hour=00/audit-20260110T00-part-${String(i).padStart(4, '0')}\\.ndjson$`)));
    for (const lines of files.values()) expect(Buffer.byteLength(lines.join('\n') + '\n')).toBeLessThanOrEqual(max);
    expect(allLines(files)).toEqual(h.apiEvents().map(expectedLine));
    expect(summary.events).toBe(5000);
  });
});
