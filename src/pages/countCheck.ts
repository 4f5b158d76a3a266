import type { WindowEnd } from './windowPages';

/** What the API's count says of a finished window, against what was exported. */
export interface CountCheck {
  /** False when the API gave no count (or the events before the window could not be told apart). */
  verified: boolean;
  /** Events the API now holds for the window beyond those exported: they became visible behind the paging. */
  missing: number;
  /** Exported events the API no longer counts. */
  removed: number;
  /** The window's events as the API counts them now (copies included), when verified. */
  held?: number;
}

/**
 * The window's events as the API counts them now: its search range (the window plus the millisecond before it, and
 * its end if maxDate is inclusive) less what lies outside the window. Copies the API counts were dropped, not lost.
 */
export function checkCount(end: WindowEnd): CountCheck {
  const { rangeCount, beyond, position } = end;
  if (rangeCount === undefined || beyond === undefined || position.before === undefined) return { verified: false, missing: 0, removed: 0 };
  const held = rangeCount - position.before - beyond;
  const exported = position.written + position.dropped;
  return { verified: true, missing: Math.max(0, held - exported), removed: Math.max(0, exported - held), held };
}
