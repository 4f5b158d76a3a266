// A run that stops for any limit but being caught up says so; warnings an operator must hear reach the summary.
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { RunOptions } from '../../src/windows/runOptions';
import { HostileSource, eventsAt } from '../support/hostileSource';

const NOW = new Date('2026-12-01T12:00:00Z');
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

function world(start: Date) {
  const clock = new ManualClock(NOW);
  const blob = new MemoryCheckpointBlob(clock);
  const lake = new MemoryLake();
  const ledger = new MemoryIdLedger();
  const source = new HostileSource(eventsAt(start.getTime(), 6 * 3600_000, 60));
  const run = (options: Partial<RunOptions> = {}) =>
    exportUnderLease(
      { source, lake, store: new MemoryCheckpointStore({ clock, blob }), ledger, clock, logger: quiet },
      { root: 'a', configId: 'test', pageSize: 50, lagSeconds: 300, exportStart: start, fileMaxBytes: 1 << 20, timeBudgetMs: 3600_000, abortSignal: new AbortController().signal, ...options },
    );
  return { run, lake };
}

describe('a run that stops short of now says why', () => {
  it('the window limit: status window-limit, not caught-up, until the backlog is done', async () => {
    const start = new Date(NOW.getTime() - 20 * 3600_000);
    const w = world(start);
    const first = await w.run({ maxWindows: 8, recheckHours: 72 });
    expect(first.status).toBe('window-limit');
    // Not caught up: no time goes to re-checking closed hours while windows remain.
    expect(first.recheck).toBeUndefined();
    expect(first.watermark).toBe(new Date(start.getTime() + 8 * 3600_000).toISOString());
    expect((await w.run({ maxWindows: 8 })).status).toBe('window-limit');
    const last = await w.run({ maxWindows: 8, recheckHours: 72 });
    expect(last.status).toBe('caught-up');
    expect(last.recheck).toMatchObject({ lateFound: 0 });
  });

  it('a start further back than the API keeps events is warned about, with the number of days', async () => {
    const w = world(new Date(NOW.getTime() - 400 * 86_400_000));
    const summary = await w.run({ maxWindows: 2 });
    expect(summary.warnings).toEqual([expect.stringMatching(/^the export stands 400 days ago: Immuta keeps audit events 90 days on SaaS and 7 self-managed/)]);
  });

  it('EXPORT_START changed after the export began: ignored, and the run says so and how to start over', async () => {
    const start = new Date(NOW.getTime() - 3 * 3600_000);
    const w = world(start);
    expect((await w.run()).warnings).toBeUndefined();
    const later = new Date(NOW.getTime() - 3600_000);
    const summary = await w.run({ exportStart: later });
    expect(summary.warnings).toEqual([
      `EXPORT_START (${later.toISOString()}) is ignored: this export began at ${start.toISOString()} and goes on from its checkpoint (${summary.watermark}); ` +
        'to start over from EXPORT_START, see "audit-export checkpoint reset" in the README',
    ]);
  });
});
