import { intentOf, planBatch } from '../../src/batches/planBatch';
import { initialCheckpoint, type Checkpoint } from '../../src/checkpoint/checkpoint';

const window = { start: new Date('2026-01-01T10:20:00Z'), end: new Date('2026-01-01T11:00:00Z') };
const next = { watermark: '2026-01-01T11:00:00.000Z' };
const HOUR = '2026-01-01T10:00:00.000Z';
const path = (part: number) => `r/year=2026/month=01/day=01/hour=10/audit-20260101T10-part-000${part}.ndjson`;
const limits = { root: 'r', fileMaxBytes: 1000, batchMaxBytes: 300 };
const open = (part: number, length: number): Checkpoint => ({ ...initialCheckpoint(window.start), file: { path: path(part), hour: HOUR, part, length } });

describe('planBatch', () => {
  it('starts the hour file at part 0 when no file is open', () => {
    const start = planBatch(initialCheckpoint(window.start), window, 50, limits);
    expect(start).toEqual({ window, file: { path: path(0), hour: HOUR, part: 0 }, create: true, from: 0, limit: 300 });
    expect(intentOf(start, 250, 3, next)).toEqual({ file: { path: path(0), hour: HOUR, part: 0, length: 250 }, create: true, from: 0, to: 250, events: 3, next });
  });

  it('appends to the open file of the same hour at its committed length, no further than its size limit', () => {
    expect(planBatch(open(0, 400), window, 50, limits)).toMatchObject({ create: false, from: 400, limit: 300, file: { path: path(0) } });
    expect(planBatch(open(0, 900), window, 50, limits)).toMatchObject({ create: false, from: 900, limit: 100 });
    expect(intentOf(planBatch(open(0, 900), window, 50, limits), 100, 2, next)).toMatchObject({ from: 900, to: 1000, file: { length: 1000 } });
  });

  it('rolls to the next part when the first line does not fit the open file', () => {
    expect(planBatch(open(2, 960), window, 50, limits)).toMatchObject({ create: true, from: 0, limit: 300, file: { path: path(3), part: 3 } });
    expect(planBatch(open(2, 950), window, 50, limits)).toMatchObject({ create: false, from: 950, limit: 50, file: { part: 2 } });
  });

  it('opens a new file when the hour changes, even if the old one has room', () => {
    const c: Checkpoint = { ...initialCheckpoint(window.start), file: { path: 'old', hour: '2026-01-01T09:00:00.000Z', part: 4, length: 10 } };
    expect(planBatch(c, window, 5, limits)).toMatchObject({ create: true, from: 0, file: { part: 0, path: path(0) } });
  });

  it('gives a line larger than the file limit a new file of its own (the batch takes it whole)', () => {
    expect(planBatch(open(0, 10), window, 5000, limits)).toMatchObject({ create: true, from: 0, file: { part: 1 } });
  });
});
