// The re-read of an hour holds only the id segments around the time it has reached: memory stays a few segments
// however many events (and batches) the hour holds.
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import type { ManifestPart } from '../../src/manifest/manifest';
import { segmentName } from '../../src/ports/idLedger';
import { IdDigests } from '../../src/batches/idDigests';
import { LedgerWindow } from '../../src/recheck/ledgerWindow';

const HOUR = '2026-08-01T10:00:00.000Z';
const T0 = Date.parse(HOUR);
const token = (k: number) => Buffer.from(`"event-${k}"`);
const signal = { abortSignal: new AbortController().signal };

describe('LedgerWindow', () => {
  it('answers for every event of a 200-batch hour in time order while holding at most two segments', async () => {
    const ledger = new MemoryIdLedger();
    const ranges: ManifestPart['ranges'] = [];
    // 200 batches of 50 events, one event a second; batch b holds events 50b .. 50b+49.
    for (let b = 0; b < 200; b++) {
      const d = new IdDigests();
      for (let k = b * 50; k < b * 50 + 50; k++) d.add(token(k), 0, token(k).length);
      await ledger.put(HOUR, segmentName(0, b * 1000, b * 1000 + 1000), d.sorted(), signal);
      ranges.push({ from: b * 1000, to: b * 1000 + 1000, sha256: 'a'.repeat(64), firstAt: T0 + b * 50_000, lastAt: T0 + (b * 50 + 49) * 1000 });
    }
    const part: ManifestPart = { path: 'p/year=2026/month=08/day=01/hour=10/audit-20260801T10-part-0000.ndjson', length: 200_000, events: 10_000, firstId: 'event-0', lastId: 'event-9999', ranges };
    const window = new LedgerWindow(ledger, HOUR, [part], signal);
    let most = 0;
    for (let k = 0; k < 10_000; k += 7) {
      const t = T0 + k * 1000;
      expect(await window.has(t, token(k), 0, token(k).length)).toBe(true);
      // A late event at the same instant, never exported.
      const late = Buffer.from(`"late-${k}"`);
      expect(await window.has(t, late, 0, late.length)).toBe(false);
      most = Math.max(most, window.segmentsHeld);
    }
    expect(most).toBeLessThanOrEqual(2);
  });
});
