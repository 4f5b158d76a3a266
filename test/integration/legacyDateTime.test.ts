// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
// Legacy records whose dateTime a serializer of doubles wrote with an exponent (1.7966778e12): the same number of
// epoch milliseconds, exported byte for byte.
import { allLines, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-08-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 3 * 3600_000);

describe('legacy dateTime spelled with an exponent', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 120, start: T0, spanSeconds: 2 * 3600, seed: 47, kind: 'immuta-legacy', legacyDateTimeExponent: true }, { AUDIT_PAGE_SIZE: '25' });
  });
  afterAll(() => h?.stop());

  it('is read as the epoch milliseconds it spells: every record once, in its hour, its bytes unchanged', async () => {
    const served = h.apiEvents();
    expect(served[0]).toMatch(/"dateTime":\d(\.\d+)?e\d+,/);
    const summary = await h.run(NOW, { ADLS_PATH: 'exponent' });
    expect(summary.status).toBe('caught-up');
    expect(summary.events).toBe(120);
    const files = await h.readLake('exponent');
    expect(allLines(files)).toEqual(served);
    // Each record in the hour its dateTime names.
    for (const [path, lines] of files) {
      for (const line of lines) {
        const hour = new Date(Math.floor((JSON.parse(line) as { dateTime: number }).dateTime / 3600_000) * 3600_000);
        expect(path).toContain(`/hour=${String(hour.getUTCHours()).padStart(2, '0')}/`);
      }
    }
  });
});
