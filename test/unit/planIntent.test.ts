import { planIntent } from '../../src/batch/planIntent';
import { initialCheckpoint, type Checkpoint } from '../../src/checkpoint/checkpoint';

const window = { start: new Date('2026-01-01T10:20:00Z'), end: new Date('2026-01-01T11:00:00Z') };
const next = { watermark: '2026-01-01T11:00:00.000Z' };
const HOUR = '2026-01-01T10:00:00.000Z';
const path = (part: number) => `r/year=2026/month=01/day=01/hour=10/audit-20260101T10-part-000${part}.ndjson`;

describe('planIntent', () => {
  it('starts the hour file at part 0 when no file is open', () => {
    const i = planIntent(initialCheckpoint(window.start), { window, bytes: 500, events: 3, next }, 'r', 1000);
    expect(i).toEqual({ file: { path: path(0), hour: HOUR, part: 0, length: 500 }, create: true, from: 0, to: 500, events: 3, next });
  });

  it('appends to the open file of the same hour at its committed length', () => {
    const c: Checkpoint = { ...initialCheckpoint(window.start), file: { path: path(0), hour: HOUR, part: 0, length: 400 } };
    const i = planIntent(c, { window, bytes: 500, events: 3, next }, 'r', 1000);
    expect(i).toMatchObject({ create: false, from: 400, to: 900, file: { path: path(0), length: 900 } });
  });

  it('rolls to the next part when the batch would pass the size limit', () => {
    const c: Checkpoint = { ...initialCheckpoint(window.start), file: { path: path(2), hour: HOUR, part: 2, length: 600 } };
    const i = planIntent(c, { window, bytes: 500, events: 3, next }, 'r', 1000);
    expect(i).toMatchObject({ create: true, from: 0, to: 500, file: { path: path(3), part: 3, length: 500 } });
  });

  it('opens a new file when the hour changes, even if the old one has room', () => {
    const c: Checkpoint = { ...initialCheckpoint(window.start), file: { path: 'old', hour: '2026-01-01T09:00:00.000Z', part: 4, length: 10 } };
    expect(planIntent(c, { window, bytes: 5, events: 1, next }, 'r', 1000)).toMatchObject({ create: true, from: 0, file: { part: 0, path: path(0) } });
  });
});
