import type { IdAtTwoTimes } from '../batches/batchWriter';
import type { CountCheck } from '../pages/countCheck';
import type { WindowEnd } from '../pages/windowPages';
import { hourOf, type Window } from '../time/window';

/** What the audit API did that the exporter had to correct for or could not: with numbers, per run. */
export interface SourceReport {
  /** Extra copies of an id the API served, left out of the lake. */
  duplicatesDropped: number;
  /** Answers that held fewer events than asked while more remained (a page cap). */
  shortPages: number;
  windowsChecked: number;
  /** Windows the API's count could not confirm: it gave none, or the window's own count could not be known exactly. */
  windowsUnverified: number;
  /** Events the API came to hold for an exported window behind its paging: not in the lake. */
  missing: number;
  /**
   * Events exported beyond what the API counts for their window: its count cannot be trusted for that hour (capped,
   * or counted differently from what it pages). Nothing is lost by it; the re-check cannot rely on that count.
   */
  countBelowExported: number;
  /** The hours with missing events or a count below those exported. */
  hours: Array<{ hour: string; missing: number; countBelowExported: number }>;
  /**
   * Ids the API served at two instants (a re-stamped event), per hour of the second: both versions are in the lake,
   * as evidence. Seen within the hour and the one before it, while re-checks are on (the id ledger keeps the ids).
   */
  idAtTwoTimes: IdAtTwoTimes[];
  /** Events that could not be placed (no valid time or id), kept in quarantine files instead; and their hours. */
  quarantined?: number;
  quarantinedHours?: Array<{ hour: string; events: number }>;
}

/** Hours listed in one run's report; the totals stay exact beyond it. */
const HOURS_LISTED = 100;

export function emptySourceReport(): SourceReport {
  return { duplicatesDropped: 0, shortPages: 0, windowsChecked: 0, windowsUnverified: 0, missing: 0, countBelowExported: 0, hours: [], idAtTwoTimes: [] };
}

/** Counts an event put in quarantine in `hour`. */
export function addQuarantined(report: SourceReport, hour: string): void {
  report.quarantined = (report.quarantined ?? 0) + 1;
  const hours = (report.quarantinedHours ??= []);
  const listed = hours.find((h) => h.hour === hour);
  if (listed) listed.events++;
  else if (hours.length < HOURS_LISTED) hours.push({ hour, events: 1 });
}

/** Adds a finished window. Duplicates count from where this run took the window up. */
export function addWindow(report: SourceReport, window: Window, end: WindowEnd, droppedBefore: number, check: CountCheck): void {
  report.duplicatesDropped += end.position.dropped - droppedBefore;
  report.shortPages += end.shortPages;
  report.windowsChecked++;
  if (!check.verified) report.windowsUnverified++;
  report.missing += check.missing;
  report.countBelowExported += check.countBelowExported;
  if ((check.missing > 0 || check.countBelowExported > 0) && report.hours.length < HOURS_LISTED) {
    report.hours.push({ hour: hourOf(window.start).toISOString(), missing: check.missing, countBelowExported: check.countBelowExported });
  }
}
