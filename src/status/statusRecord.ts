import { z } from 'zod';
import { ExportError } from '../errors';
import type { SourceReport } from '../windows/sourceReport';
import type { RecheckReport } from '../recheck/recheckReport';

/**
 * What operators see about past runs, kept beside the checkpoint (not in it: the checkpoint is written only
 * under the run's lease, while a failed or skipped run must still be able to say what happened).
 */
export interface StatusRecord {
  version: 1;
  lastRun?: LastRun;
  /** From the last run or connection test, whichever was later. */
  connection?: { status: 'SUCCESS' | 'FAILED'; checkedAt: string; by: 'run' | 'test-connection'; failureReason?: string };
  /** Warnings of the last run or connection test, e.g. the SAS expires soon. */
  warnings: string[];
  /** Those of `warnings` the SAS check gave (absent in records written before it was kept apart). */
  sasWarnings?: string[];
  /** Re-checks of closed hours over every run recorded: late events found and appended, hours checked, counts down. */
  recheckTotals?: RecheckTotals;
}

export interface RecheckTotals {
  hoursChecked: number;
  lateFound: number;
  lateAppended: number;
  hoursCountDown: number;
}

export interface LastRun {
  id: string;
  startedAt: string;
  endedAt: string;
  status: 'caught-up' | 'incomplete' | 'time-budget' | 'window-limit' | 'skipped' | 'disabled' | 'failed';
  events: number;
  bytes: number;
  files: number;
  /** Runs since the last one that did not fail, this one included. */
  attempts: number;
  failureReason?: string;
  failureCode?: string;
  /** What the audit API did that the run corrected for or could not (absent for failed runs). */
  source?: SourceReport;
  /** What the run's re-check of closed hours found and appended. */
  recheck?: RecheckReport;
}

const iso = z.iso.datetime();
// Records written before countBelowExported had the same number as `removed`.
const belowExported = { countBelowExported: z.number().int().optional(), removed: z.number().int().optional() };
function renamed<T extends { countBelowExported?: number; removed?: number }>({ removed, countBelowExported, ...rest }: T): Omit<T, 'removed' | 'countBelowExported'> & { countBelowExported: number } {
  return { ...rest, countBelowExported: countBelowExported ?? removed ?? 0 };
}
const schema = z.object({
  version: z.literal(1),
  lastRun: z
    .object({
      id: z.string(), startedAt: iso, endedAt: iso,
      status: z.enum(['caught-up', 'incomplete', 'time-budget', 'window-limit', 'skipped', 'disabled', 'failed']),
      events: z.number().int(), bytes: z.number().int(), files: z.number().int(), attempts: z.number().int(),
      failureReason: z.string().optional(), failureCode: z.string().optional(),
      source: z
        .object({
          duplicatesDropped: z.number().int(), shortPages: z.number().int(), windowsChecked: z.number().int(), windowsUnverified: z.number().int(),
          missing: z.number().int(), ...belowExported,
          hours: z.array(z.object({ hour: iso, missing: z.number().int(), ...belowExported }).transform(renamed)),
          idAtTwoTimes: z.array(z.object({ hour: iso, events: z.number().int(), ids: z.array(z.string()) })).optional(),
          quarantined: z.number().int().optional(),
          quarantinedHours: z.array(z.object({ hour: iso, events: z.number().int() })).optional(),
        })
        .transform(renamed)
        .optional(),
      recheck: z
        .object({
          hoursChecked: z.number().int(), hoursUnverified: z.number().int(), lateFound: z.number().int(), lateAppended: z.number().int(),
          countDown: z.array(z.object({ hour: iso, fewer: z.number().int() })), hours: z.array(z.object({ hour: iso, appended: z.number().int() })),
          short: z.array(z.object({ hour: iso, missing: z.number().int() })).optional(),
        })
        .optional(),
    })
    .optional(),
  connection: z.object({ status: z.enum(['SUCCESS', 'FAILED']), checkedAt: iso, by: z.enum(['run', 'test-connection']), failureReason: z.string().optional() }).optional(),
  warnings: z.array(z.string()),
  sasWarnings: z.array(z.string()).optional(),
  recheckTotals: z.object({ hoursChecked: z.number().int(), lateFound: z.number().int(), lateAppended: z.number().int(), hoursCountDown: z.number().int() }).optional(),
});

export const emptyStatus = (): StatusRecord => ({ version: 1, warnings: [] });

/** Parses a stored status record; one that is not JSON or not a record throws `StatusRecordCorrupt`. */
export function decodeStatus(text: string): StatusRecord {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt('status record is not JSON');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw corrupt(`status record is not valid: ${parsed.error.issues[0]!.message}`);
  return parsed.data as StatusRecord;
}

const corrupt = (message: string) => new ExportError('StatusRecordCorrupt', message, { kind: 'permanent' });
