// Retry-After is honoured whole: a wait that does not fit in the run ends it cleanly, and the next run goes on.
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-04-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 3 * 3600_000);

describe('a Retry-After longer than the time left', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 200, start: T0, spanSeconds: 2 * 3600, seed: 31 });
  });
  afterAll(() => h?.stop());

  it('is never cut short: the run stops cleanly saying why, and the next run exports everything once', async () => {
    h.stack.auditApi.setFaults({ rateLimit: { count: 1, retryAfterSeconds: 120 } });
    const env = { ADLS_PATH: 'retry-after', AUDIT_PAGE_SIZE: '50', EXPORT_TIME_BUDGET_SECONDS: '60' };
    const first = await h.run(NOW, env);
    expect(first.status).toBe('time-budget');
    expect(first.warnings).toEqual(expect.arrayContaining([expect.stringMatching(/asked to wait 120 s before trying again, more than the 60 s left of this run: the run stops here and the next one goes on/)]));
    expect(h.sleeps.filter((ms) => ms > 0 && ms < 120_000)).toEqual([]); // never a shorter retry
    h.stack.auditApi.resetFaults();
    const second = await h.run(NOW, env);
    expect(second.status).toBe('caught-up');
    expect(allLines(await h.readLake('retry-after'))).toEqual(h.apiEvents().map(expectedLine));
  });
});
