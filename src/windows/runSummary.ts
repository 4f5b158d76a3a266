import type { Noticed } from '../checkpoint/checkpoint';
import type { RecheckReport } from '../recheck/recheckReport';
import type { SourceReport } from './sourceReport';

export interface RunSummary {
  /**
   * caught-up: every event up to now − lag is in the lake, as far as the audit API's counts can tell; incomplete:
   * caught up, but the API counts events of exported hours that the lake does not hold (see `noticed`), in this run
   * or an earlier one, not appended by a re-check nor acknowledged since; or it served ids at two instants, both
   * now in the lake (see `source.idAtTwoTimes`);
   * time-budget: more remains for the next run; window-limit: the run planned as many hour windows as one run
   * may (10,000) and more remain for the next; skipped: another run holds the lease.
   */
  status: 'caught-up' | 'incomplete' | 'time-budget' | 'window-limit' | 'skipped';
  events: number;
  bytes: number;
  files: string[];
  windows: number;
  watermark: string;
  startedAt: string;
  endedAt: string;
  /** Problems worth an operator's attention that did not stop the run (e.g. the SAS expires soon). */
  warnings?: string[];
  /** What the audit API did that the exporter corrected for or could not. */
  source: SourceReport;
  /** Hours still short as the run ends, with the numbers of their latest count (absent when none). */
  noticed?: Noticed[];
  /** What re-checking closed hours found and appended (absent when it did not run). */
  recheck?: RecheckReport;
}
