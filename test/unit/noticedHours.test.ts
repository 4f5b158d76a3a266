// An hour found short stays in `noticed`, with the numbers of its latest count, until a re-check appends what was
// missing, a count agrees, or an operator acknowledges it; old checkpoints decode as they were.
import { acknowledgeHour, advanceCheckpoint, applyIntent, initialCheckpoint, type Checkpoint, type Noticed } from '../../src/checkpoint/checkpoint';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import type { HourRecord } from '../../src/manifest/hourRecord';

const H1 = '2026-01-01T01:00:00.000Z';
const H2 = '2026-01-01T02:00:00.000Z';
const T = (m: number) => new Date(Date.parse('2026-01-01T05:00:00.000Z') + m * 60_000).toISOString();
const base: Checkpoint = { ...initialCheckpoint(new Date('2026-01-01T05:00:00Z')) };
const at = base.watermark;
const record = (hour: string, exported: number): HourRecord => ({ hour, parts: [{ path: `p/${hour}-0`, length: 10, events: exported, firstId: 'a', lastId: 'z', ranges: [] }], apiCount: exported, exported, before: 0, beyond: 0, from: hour });
const withRecent = (c: Checkpoint, hour: string, exported: number): Checkpoint => ({ ...c, recent: [{ record: record(hour, exported), revision: 1 }] });
const short = (hour: string, missing: number, noticedAt: string): Noticed => ({ hour, missing, noticedAt, countedAt: noticedAt });

describe('noticed hours', () => {
  it('a window found short notices its hour with when it was counted; a second window of the same hour adds its shortfall', () => {
    const one = advanceCheckpoint(base, { watermark: at, noticed: { hour: H1, missing: 3, noticedAt: T(0) } });
    expect(one.noticed).toEqual([short(H1, 3, T(0))]);
    const two = advanceCheckpoint(one, { watermark: at, noticed: { hour: H1, missing: 2, noticedAt: T(5), countedAt: T(5) } });
    expect(two.noticed).toEqual([{ hour: H1, missing: 5, noticedAt: T(0), countedAt: T(5) }]);
  });

  it("a re-check's count of the hour replaces its numbers, keeps when it was first noticed, and notices an hour the export found whole", () => {
    const c = { ...base, noticed: [short(H1, 5, T(0))] };
    expect(advanceCheckpoint(c, { watermark: at, counted: { hour: H1, missing: 7, countedAt: T(60) } }).noticed).toEqual([{ hour: H1, missing: 7, noticedAt: T(0), countedAt: T(60) }]);
    expect(advanceCheckpoint(c, { watermark: at, counted: { hour: H2, missing: 303, countedAt: T(60) } }).noticed).toEqual([short(H1, 5, T(0)), short(H2, 303, T(60))]);
  });

  it('a count that agrees takes the hour out of noticed (and the field goes when it is empty)', () => {
    const c = { ...base, noticed: [short(H1, 5, T(0)), short(H2, 1, T(0))] };
    expect(advanceCheckpoint(c, { watermark: at, counted: { hour: H1, missing: 0, countedAt: T(60) } }).noticed).toEqual([short(H2, 1, T(0))]);
    const none = advanceCheckpoint({ ...base, noticed: [short(H1, 5, T(0))] }, { watermark: at, counted: { hour: H1, missing: 0, countedAt: T(60) } });
    expect(none).not.toHaveProperty('noticed');
  });

  it('a re-check that appends every late event takes the hour out; one that appends some leaves it with what is still missing', () => {
    const intentFor = (events: number) => ({
      file: { path: `p/${H1}-1`, hour: H1, part: 1, length: 10 * events }, create: true, from: 0, to: 10 * events, events, sha256: 'a'.repeat(64), firstId: 'x', lastId: 'y',
      next: { watermark: at },
    });
    const begun = (missing: number) =>
      advanceCheckpoint(withRecent({ ...base, noticed: [short(H1, 2, T(0))] }, H1, 100), {
        watermark: at, counted: { hour: H1, missing, countedAt: T(60) },
        recheck: { begin: { hour: H1, file: { path: `p/${H1}-1`, hour: H1, part: 1, length: 0 }, apiCount: 100 + missing } },
      });
    const done = { watermark: at, recheck: { done: { configId: 'c', writtenAt: T(61) } } };
    expect(begun(4).noticed).toEqual([{ hour: H1, missing: 4, noticedAt: T(0), countedAt: T(60) }]);
    expect(advanceCheckpoint(applyIntent(begun(4), intentFor(4)), done)).not.toHaveProperty('noticed');
    expect(advanceCheckpoint(applyIntent(begun(4), intentFor(3)), done).noticed).toEqual([{ hour: H1, missing: 1, noticedAt: T(0), countedAt: T(60) }]);
    // Found and nothing appended (the re-read saw no id the lake lacks): still short, as counted.
    expect(advanceCheckpoint(begun(4), done).noticed).toEqual([{ hour: H1, missing: 4, noticedAt: T(0), countedAt: T(60) }]);
  });

  it('an acknowledgement moves the hour to `acknowledged` with who, when and the numbers; a later count with no more missing leaves it there', () => {
    const c = { ...base, noticed: [short(H1, 5, T(0)), short(H2, 1, T(0))] };
    const acked = acknowledgeHour(c, H1, 'ops@host', T(90))!;
    expect(acked.noticed).toEqual([short(H2, 1, T(0))]);
    expect(acked.acknowledged).toEqual([{ hour: H1, missing: 5, noticedAt: T(0), countedAt: T(0), acknowledgedAt: T(90), by: 'ops@host' }]);
    expect(acknowledgeHour(c, '2026-01-01T03:00:00.000Z', 'ops', T(90))).toBeUndefined();
    expect(advanceCheckpoint(acked, { watermark: at, counted: { hour: H1, missing: 5, countedAt: T(120) } }).noticed).toEqual([short(H2, 1, T(0))]);
    // More missing than was accepted: noticed again.
    expect(advanceCheckpoint(acked, { watermark: at, counted: { hour: H1, missing: 6, countedAt: T(120) } }).noticed).toEqual([short(H2, 1, T(0)), short(H1, 6, T(120))]);
    expect(decodeCheckpoint(encodeCheckpoint(acked))).toEqual(acked);
  });

  it('an old checkpoint (noticed without countedAt, no acknowledgements) decodes unchanged and round-trips', () => {
    const old = { version: 2, watermark: at, noticed: [{ hour: H1, missing: 5, noticedAt: T(0) }] };
    expect(decodeCheckpoint(JSON.stringify(old))).toEqual(old);
    const fresh = { ...base, noticed: [short(H1, 2, T(0))] };
    expect(decodeCheckpoint(encodeCheckpoint(fresh))).toEqual(fresh);
  });
});
