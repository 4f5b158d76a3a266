// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-02-01T00:00:00.000Z');

describe('a backlog larger than one run', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 600, start: T0, spanSeconds: 6 * 3600, seed: 13 });
  });
  afterAll(() => h?.stop());

  it('is caught up over several runs that each stop at the time budget, with nothing lost or doubled', async () => {
    const now = new Date(T0.getTime() + 7 * 3600_000);
    const env = { ADLS_PATH: 'budget', AUDIT_PAGE_SIZE: '50', EXPORT_TIME_BUDGET_SECONDS: '10', EXPORT_BATCH_MAX_BYTES: '20000' };
    const statuses: string[] = [];
    let events = 0;
    for (let run = 0; run < 60; run++) {
      // Each clock reading moves time on by 3 s, so a 10 s budget allows only a few pages per run.
      const summary = await h.run(now, env, { tickMs: 3000 });
      statuses.push(summary.status);
      events += summary.events;
      if (summary.status === 'caught-up') break;
    }
    expect(statuses.filter((s) => s === 'time-budget').length).toBeGreaterThanOrEqual(3);
    expect(statuses.at(-1)).toBe('caught-up');
    expect(events).toBe(600);
    expect(allLines(await h.readLake('budget'))).toEqual(h.apiEvents().map(expectedLine));
  });
});
