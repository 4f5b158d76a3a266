/** What one run's re-check of closed hours found and did. */
export interface RecheckReport {
  hoursChecked: number;
  /** Hours the API gave no count for (or whose edges were never counted): not compared. */
  hoursUnverified: number;
  /** Events the API counts beyond those exported, over the hours re-read; and those appended as new parts. */
  lateFound: number;
  lateAppended: number;
  /** Hours whose count went down: reported, never "fixed" in the lake. */
  countDown: Array<{ hour: string; fewer: number }>;
  /** The hours that got a new part, and how many events it holds. */
  hours: Array<{ hour: string; appended: number }>;
  /**
   * Hours the API counts more events for than the lake holds once the re-check is done with them (late events it
   * found and could not append, or could not reach in the time left): they stay noticed. Absent in older records.
   */
  short?: Array<{ hour: string; missing: number }>;
}

export function emptyRecheckReport(): RecheckReport {
  return { hoursChecked: 0, hoursUnverified: 0, lateFound: 0, lateAppended: 0, countDown: [], hours: [], short: [] };
}
