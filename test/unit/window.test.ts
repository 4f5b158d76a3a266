import { hourOf } from '../../src/time/window';
import { planWindows } from '../../src/windows/planWindows';

const t = (iso: string) => new Date(iso);
const iso = (ws: { start: Date; end: Date }[]) => ws.map((w) => [w.start.toISOString(), w.end.toISOString()]);

describe('planWindows', () => {
  it('splits at every UTC hour boundary and covers the range without gaps or overlaps', () => {
    expect(iso(planWindows(t('2026-01-01T10:23:00Z'), t('2026-01-01T12:40:00Z')))).toEqual([
      ['2026-01-01T10:23:00.000Z', '2026-01-01T11:00:00.000Z'],
      ['2026-01-01T11:00:00.000Z', '2026-01-01T12:00:00.000Z'],
      ['2026-01-01T12:00:00.000Z', '2026-01-01T12:40:00.000Z'],
    ]);
  });

  it('plans nothing when the range is empty or inverted', () => {
    expect(planWindows(t('2026-01-01T10:00:00Z'), t('2026-01-01T10:00:00Z'))).toEqual([]);
    expect(planWindows(t('2026-01-01T11:00:00Z'), t('2026-01-01T10:00:00Z'))).toEqual([]);
  });

  it('starts and ends exactly on hour boundaries without empty windows', () => {
    expect(iso(planWindows(t('2026-01-01T23:00:00Z'), t('2026-01-02T01:00:00Z')))).toEqual([
      ['2026-01-01T23:00:00.000Z', '2026-01-02T00:00:00.000Z'],
      ['2026-01-02T00:00:00.000Z', '2026-01-02T01:00:00.000Z'],
    ]);
  });

  it('stops at the limit so a long outage is planned in bounded steps', () => {
    const ws = planWindows(t('2026-01-01T00:00:00Z'), t('2026-02-01T00:00:00Z'), 5);
    expect(ws).toHaveLength(5);
    expect(ws[4]!.end.toISOString()).toBe('2026-01-01T05:00:00.000Z');
  });

  it('keeps millisecond precision at the edges', () => {
    const ws = planWindows(t('2026-01-01T10:59:59.999Z'), t('2026-01-01T11:00:00.001Z'));
    expect(iso(ws)).toEqual([
      ['2026-01-01T10:59:59.999Z', '2026-01-01T11:00:00.000Z'],
      ['2026-01-01T11:00:00.000Z', '2026-01-01T11:00:00.001Z'],
    ]);
  });

  it('hourOf truncates to the UTC hour', () => {
    expect(hourOf(t('2026-03-29T01:59:59.999Z')).toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });
});
