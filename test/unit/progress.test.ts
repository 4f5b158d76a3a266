import { azAppSettingsCommand } from '../../src/cli/azCommand';
import { duration, progressPrinter } from '../../src/cli/progress';
import { ManualClock } from '../../src/adapters/memory/manualClock';

describe('CLI progress line', () => {
  it('prints at most every 5 s: rate, bytes, backlog of event time, budget left', async () => {
    const clock = new ManualClock();
    const began = clock.now().getTime();
    const lines: string[] = [];
    const progress = progressPrinter((l) => lines.push(l), clock);
    const p = (events: number, reachedHoursAgo: number) => ({
      events, bytes: events * 700, reached: new Date(Date.UTC(2026, 0, 2) - reachedHoursAgo * 3600_000), until: new Date(Date.UTC(2026, 0, 2)),
      elapsedMs: clock.now().getTime() - began, budgetMs: 480_000,
    });
    await clock.advance(1000);
    progress(p(1000, 30));
    expect(lines).toEqual([]);
    await clock.advance(9000);
    progress(p(20_000, 26.5));
    expect(lines).toEqual(['progress: 20000 events (2000 events/s), 13.4 MiB; backlog 26h30m of event time; 7m50s of the time budget left']);
    await clock.advance(1000);
    progress(p(22_000, 26));
    expect(lines).toHaveLength(1);
  });

  it('formats durations', () => {
    expect(duration(0)).toBe('0m00s');
    expect(duration(61_000)).toBe('1m01s');
    expect(duration(3 * 3600_000 + 5 * 60_000)).toBe('3h05m');
    expect(duration(-5)).toBe('0m00s');
  });
});

describe('az app settings command', () => {
  it('quotes each pair for the shell, including single quotes in values', () => {
    expect(azAppSettingsCommand({ A: 'x', B: "it's" })).toBe(
      "az functionapp config appsettings set --name <function-app> --resource-group <resource-group> --settings \\\n  'A=x' \\\n  'B=it'\\''s'",
    );
  });
});
