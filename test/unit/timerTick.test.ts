import { loadSettings } from '../../src/config/settings';
import { onTimerTick } from '../../src/host/timerTick';
import { Composition } from '../../src/run/composition';
import { VALID_SETTINGS } from '../support/validSettings';

describe('a timer tick', () => {
  it('with EXPORT_ENABLED=false logs that the export is disabled and runs nothing', async () => {
    const lines: string[] = [];
    const context = { log: (line: unknown) => lines.push(`info: ${line}`), warn: (line: unknown) => lines.push(`warn: ${line}`), error: (line: unknown) => lines.push(`error: ${line}`) };
    const root = new Composition(loadSettings({ ...VALID_SETTINGS, EXPORT_ENABLED: 'false' }));
    await expect(onTimerTick(() => root, context, true)).resolves.toBeUndefined();
    expect(lines).toEqual(['warn: timer is past due; running now', 'info: export is disabled (EXPORT_ENABLED=false); skipping this tick']);
  });
});
