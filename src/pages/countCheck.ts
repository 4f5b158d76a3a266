import type { WindowEnd } from './windowPages';

/** What the API's count says of a finished window, against what was exported. */
export interface CountCheck {
  /** False when the window's own count cannot be known exactly (no count, or its edges could not be told apart). */
  verified: boolean;
  /** Events the API now holds for the window beyond those exported: they became visible behind the paging. */
  missing: number;
  /** The API counts fewer events for the window than were exported: its count cannot be trusted for that hour. */
  countBelowExported: number;
  /** The window's events as the API counts them now (copies included), when verified. */
  held?: number;
}

/**
 * The window's events as the API counts them now: the count of exactly the range asked (the window plus the
 * millisecond before it, and its end if maxDate is inclusive), less the events of that range outside the window as
 * answers showed them, one by one (never from where a hit stands against the count). Copies the API counts were
 * dropped, not lost.
 */
export function checkCount(end: WindowEnd): CountCheck {
  const { rangeCount, beyond, position } = end;
  if (rangeCount === undefined || beyond === undefined || position.before === undefined) return { verified: false, missing: 0, countBelowExported: 0 };
  const held = rangeCount - position.before - beyond;
  // A count below the events of its range shown outside the window (a count below the truth) cannot be placed.
  if (held < 0) return { verified: false, missing: 0, countBelowExported: 0 };
  const exported = position.written + position.dropped;
  return { verified: true, missing: Math.max(0, held - exported), countBelowExported: Math.max(0, exported - held), held };
}
