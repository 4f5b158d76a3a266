import { DeliveryLine } from '../../src/pipeline/deliveryLine';
import type { StoredCheckpoint } from '../../src/ports/checkpointStore';

const at = (watermark: string, etag: string): StoredCheckpoint => ({ checkpoint: { version: 1, watermark }, etag });
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('DeliveryLine', () => {
  it('runs steps one at a time, in order, each on the checkpoint the one before left', async () => {
    const line = new DeliveryLine(at('w0', 'e0'));
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    line.queue(async (s) => {
      seen.push(`start ${s.checkpoint.watermark}`);
      await gate;
      seen.push('end w0');
      return at('w1', 'e1');
    });
    line.queue((s) => (seen.push(`sync ${s.checkpoint.watermark}/${s.etag}`), at('w2', s.etag)));
    await tick();
    expect(seen).toEqual(['start w0']); // the second step waits for the first
    release();
    await expect(line.settled()).resolves.toEqual(at('w2', 'e1'));
    expect(seen).toEqual(['start w0', 'end w0', 'sync w1/e1']);
  });

  it('skips what follows a failure and throws it from settled(), leaving the last good checkpoint unused', async () => {
    const line = new DeliveryLine(at('w0', 'e0'));
    const boom = new Error('append failed');
    let after = false;
    line.queue(() => Promise.reject(boom));
    line.queue((s) => ((after = true), s));
    await expect(line.settled()).rejects.toBe(boom);
    expect(line.failed).toBe(true);
    expect(after).toBe(false);
    line.queue((s) => ((after = true), s));
    await expect(line.settled()).rejects.toBe(boom);
    expect(after).toBe(false);
  });

  it('settles at once with the starting checkpoint when nothing is queued', async () => {
    const line = new DeliveryLine(at('w0', 'e0'));
    expect(line.failed).toBe(false);
    await expect(line.settled()).resolves.toEqual(at('w0', 'e0'));
  });
});
