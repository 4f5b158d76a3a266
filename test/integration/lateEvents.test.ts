// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-01-10T00:00:00.000Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe('late events', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 600, start: at(0), spanSeconds: 3 * 3600, seed: 11 });
    // A third of the events become visible two minutes after their timestamp.
    h.stack.auditApi.setFaults({ late: { fraction: 0.33, delaySeconds: 120 } });
  });
  afterAll(() => h?.stop());

  it('are all exported when they arrive within EXPORT_LAG_SECONDS', async () => {
    const env = { ADLS_PATH: 'late-ok', EXPORT_LAG_SECONDS: '300' };
    for (const minutes of [37, 75, 111, 150, 190, 240]) await h.run(at(minutes), env);
    h.stack.auditApi.setNow(null);
    expect(allLines(await h.readLake('late-ok'))).toEqual(h.apiEvents().map(expectedLine));
  });

  it('are missed when they arrive later than the lag — the assumption the lag exists for', async () => {
    const env = { ADLS_PATH: 'late-short', EXPORT_LAG_SECONDS: '30' };
    for (const minutes of [37, 75, 111, 150, 190, 240]) await h.run(at(minutes), env);
    h.stack.auditApi.setNow(null);
    expect(allLines(await h.readLake('late-short')).length).toBeLessThan(600);
  });
});
