import type { Checkpoint, Intent } from '../../src/checkpoint/checkpoint';
import { resetNotes } from '../../src/reset/resetNotes';
import { planReset } from '../../src/reset/resetPlan';
import { parseResetStart } from '../../src/cli/resetStart';
import { hourFilePath } from '../../src/lake/layout';

const ROOT = 'immuta-audit';
const H10 = '2026-01-01T10:00:00.000Z';
const file = { path: hourFilePath(ROOT, new Date(H10), 0), hour: H10, part: 0, length: 500 };
const cursor = {
  window: { start: H10, end: '2026-01-01T11:00:00.000Z' },
  from: '2026-01-01T10:19:59.999Z', skip: 0, at: '2026-01-01T10:20:00.000Z', ids: ['"a"'], written: 9, dropped: 0,
};
/** Part-way through hour 10: events before 10:20, and "a" at 10:20, are written into part 0. */
const midHour: Checkpoint = { version: 2, watermark: H10, cursor, file };
const intent: Intent = {
  file: { ...file, length: 800 }, create: false, from: 500, to: 800, events: 3,
  next: { watermark: '2026-01-01T10:30:00.000Z' },
};
const noticed = [
  { hour: '2026-01-01T08:00:00.000Z', missing: 2, noticedAt: '2026-01-01T09:10:00.000Z' },
  { hour: '2026-01-01T09:00:00.000Z', missing: 5, noticedAt: '2026-01-01T10:10:00.000Z' },
];
const at = (iso: string) => new Date(iso);

describe('planReset: what a reset writes', () => {
  it('keeps the claim on the lake path and drops a lake found reset: the reset is the answer to it', () => {
    const claim = { path: `${ROOT}/_owner`, claimedAt: H10, content: '{"configId":"c"}\n' };
    const { next } = planReset({ ...midHour, claim, lakeReset: { detectedAt: H10 } }, at('2026-01-01T09:00:00Z'), ROOT);
    expect(next.claim).toEqual(claim);
    expect(next.lakeReset).toBeUndefined();
  });

  it('with nothing stored: just the watermark', () => {
    expect(planReset(undefined, at('2026-01-01T09:30:00Z'), ROOT)).toEqual({
      next: { version: 2, origin: '2026-01-01T09:30:00.000Z', watermark: '2026-01-01T09:30:00.000Z' }, direction: 'none', kept: [], dropped: [],
    });
  });

  it('ahead within the open file\'s hour: goes on filling that file, as the run would have', () => {
    const plan = planReset(midHour, at('2026-01-01T10:40:00Z'), ROOT);
    expect(plan.direction).toBe('ahead');
    expect(plan.stood).toBe(cursor.at);
    expect(plan.next).toEqual({ version: 2, origin: '2026-01-01T10:40:00.000Z', watermark: '2026-01-01T10:40:00.000Z', file });
  });

  it('at the last written instant is back, not ahead: events at it are written, so no file is kept', () => {
    const plan = planReset(midHour, at(cursor.at), ROOT);
    expect(plan.direction).toBe('back');
    expect(plan.next).toEqual({ version: 2, origin: cursor.at, watermark: cursor.at });
  });

  it('ahead into a later hour: no file (the next run creates that hour\'s first part)', () => {
    expect(planReset(midHour, at('2026-01-01T12:15:00Z'), ROOT).next).toEqual({ version: 2, origin: '2026-01-01T12:15:00.000Z', watermark: '2026-01-01T12:15:00.000Z' });
  });

  it('with a pending write: its end counts as written, and the hour goes on in a new part, never a file of unknown length', () => {
    const pending = { ...midHour, intent };
    expect(planReset(pending, at('2026-01-01T10:25:00Z'), ROOT).direction).toBe('back'); // the write may reach 10:30
    const plan = planReset(pending, at('2026-01-01T10:45:00Z'), ROOT);
    expect(plan.direction).toBe('ahead');
    expect(plan.next.file).toEqual({ path: hourFilePath(ROOT, new Date(H10), 1), hour: H10, part: 1, length: 0 });
    expect(plan.next.intent).toBeUndefined();
  });

  it('back: no file, no cursor; noticed hours from --start on are dropped, earlier ones kept', () => {
    const plan = planReset({ ...midHour, noticed }, at('2026-01-01T08:30:00Z'), ROOT);
    expect(plan.next).toEqual({ version: 2, origin: '2026-01-01T08:30:00.000Z', watermark: '2026-01-01T08:30:00.000Z', noticed: [noticed[0]] });
    expect(plan.dropped).toEqual([noticed[1]]);
  });
});

describe('resetNotes: what the operator is told', () => {
  const notes = (old: Checkpoint, iso: string) => resetNotes(old, planReset(old, at(iso), ROOT), at(iso), ROOT);

  it('calls out a pending write and how to tell from the file whether its batch is in', () => {
    const { warnings } = notes({ ...midHour, intent }, '2026-01-01T10:45:00Z');
    expect(warnings[0]).toMatch(/pending write no run has finished: 3 events, bytes 500 to 800 of immuta-audit\/year=2026\/month=01\/day=01\/hour=10\/audit-20260101T10-part-0000\.ndjson/);
    expect(warnings[0]).toMatch(/check that file's length \(800 bytes: it is; 500: it is not\)/);
  });

  it('after a lake found emptied: says the stop is cleared and where the next run writes', () => {
    const { notes: said } = notes({ ...midHour, lakeReset: { detectedAt: H10 } }, '2026-01-01T10:00:00Z');
    expect(said).toContain(`clears the stop of ${H10} (the lake path was found emptied or replaced): the next run writes into immuta-audit again, from --start`);
  });

  it('going back: move the hour files aside, and a start off the hour loses the hour\'s head', () => {
    const { warnings } = notes(midHour, '2026-01-01T10:05:00Z');
    expect(warnings[0]).toMatch(/before where the export stood \(2026-01-01T10:20:00.000Z\).*Move the hour files from immuta-audit\/year=2026\/month=01\/day=01\/hour=10\/ on out of ADLS_PATH/);
    expect(warnings[1]).toMatch(/not on the hour.*--start 2026-01-01T10:00:00.000Z re-exports the whole hour/);
  });

  it('going ahead: the range skipped; the file it goes on with', () => {
    const r = notes(midHour, '2026-01-01T10:40:00Z');
    expect(r.warnings).toEqual([expect.stringMatching(/after where the export stood \(2026-01-01T10:20:00.000Z\): events in between .* are skipped/)]);
    expect(r.notes).toEqual([expect.stringMatching(/goes on filling .*part-0000\.ndjson from its committed length, 500 bytes/)]);
  });

  it('counts the noticed hours it drops and keeps', () => {
    const r = notes({ ...midHour, noticed }, '2026-01-01T08:00:00Z');
    expect(r.warnings).toContainEqual(expect.stringMatching(/drops 2 hours from "noticed": 7 events .* \(2026-01-01T08:00:00.000Z: 2 missing, 2026-01-01T09:00:00.000Z: 5 missing\)/));
    const kept = notes({ ...midHour, noticed }, '2026-01-01T08:30:00Z');
    expect(kept.warnings).toContainEqual(expect.stringMatching(/drops 1 hour from "noticed": 5 events/));
    expect(kept.notes).toContainEqual(expect.stringMatching(/keeps 1 hour in "noticed", before --start: 2 events not in the lake/));
  });
});

describe('parseResetStart', () => {
  const now = at('2026-06-01T12:00:00Z');
  it('takes an instant with a zone, to the millisecond', () => {
    expect(parseResetStart('2026-05-31T20:00:00.123456-04:00', now).toISOString()).toBe('2026-06-01T00:00:00.123Z');
  });
  it.each([
    [undefined, /needs --start/],
    ['2026-05-01T00:00:00', /ISO-8601 time with a zone/],
    ['yesterday', /ISO-8601 time with a zone/],
    ['1999-12-31T23:59:59Z', /^--start is before 2000-01-01 \(1999-12-31T23:59:59.000Z\): check the year$/],
    ['2026-06-01T12:00:01Z', /^--start is in the future \(2026-06-01T12:00:01.000Z, now 2026-06-01T12:00:00.000Z\)/],
  ])('refuses %s as usage (exit 2)', (text, message) => {
    expect(() => parseResetStart(text, now)).toThrow(expect.objectContaining({ code: 'InvalidUsage', message: expect.stringMatching(message) }));
  });
});
