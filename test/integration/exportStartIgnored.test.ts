// EXPORT_START changed after the export began: the checkpoint wins, and the run log and status say so.
import { readStatus } from '../../src/status/statusView';
import { startHarness, type Harness } from '../support/exporterHarness';
import { Composition } from '../../src/run/composition';

const T0 = new Date('2026-04-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 3 * 3600_000);

describe('EXPORT_START after the export began', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 100, start: T0, spanSeconds: 2 * 3600, seed: 7 });
  });
  afterAll(() => h?.stop());

  it('is ignored with a warning in the log and in status, naming where the export began', async () => {
    await h.run(NOW, { ADLS_PATH: 'moved-start', EXPORT_START: T0.toISOString() });
    h.logs.length = 0;
    const moved = new Date(T0.getTime() + 3600_000).toISOString();
    const summary = await h.run(NOW, { ADLS_PATH: 'moved-start', EXPORT_START: moved });
    const warning = expect.stringMatching(new RegExp(`^EXPORT_START \\(${moved.replace(/\./g, '\\.')}\\) is ignored: this export began at ${T0.toISOString().replace(/\./g, '\\.')}`));
    expect(summary.warnings).toEqual(expect.arrayContaining([warning]));
    expect(h.logs.some((l) => l.startsWith('warn: EXPORT_START') && l.includes('is ignored'))).toBe(true);
    const status = await readStatus(new Composition(h.settings({ ADLS_PATH: 'moved-start', EXPORT_START: moved })), { abortSignal: AbortSignal.timeout(30_000), now: NOW });
    expect(status.warnings).toEqual(expect.arrayContaining([warning]));
  });
});
