import { hourFilePath } from '../lake/layout';
import { hourOf } from '../time/window';
import type { Checkpoint, Intent, Noticed } from '../checkpoint/checkpoint';
import type { ResetPlan } from './resetPlan';

/** What an operator must know before and after a reset: warnings (stderr) and notes (stdout). */
export interface ResetNotes {
  warnings: string[];
  notes: string[];
}

export function resetNotes(old: Checkpoint | undefined, plan: ResetPlan, start: Date, root: string): ResetNotes {
  const warnings: string[] = [];
  const notes: string[] = [];
  if (!old) return { warnings, notes };
  if (old.intent) warnings.push(pendingWrite(old.intent));
  const at = start.toISOString();
  if (plan.direction === 'back') {
    const hourDir = hourFilePath(root, start, 0).replace(/[^/]*$/, '');
    warnings.push(
      `--start ${at} is before where the export stood (${plan.stood}): events from --start on may already be in the lake. ` +
        `Move the hour files from ${hourDir} on out of ADLS_PATH before the next run, or it stops at the first one that exists; ` +
        'moved elsewhere inside ADLS_PATH, readers would count those events twice',
    );
    const hour = hourOf(start);
    if (hour.getTime() !== start.getTime()) {
      warnings.push(
        `--start ${at} is not on the hour: events of ${hourDir} before it are in the file moved aside and no run exports them again; ` +
          `--start ${hour.toISOString()} re-exports the whole hour`,
      );
    }
  } else if (start.getTime() > Date.parse(plan.stood!)) {
    warnings.push(`--start ${at} is after where the export stood (${plan.stood}): events in between that are not in the lake yet are skipped; no run exports them`);
  }
  if (old.lakeReset) {
    notes.push(`clears the stop of ${old.lakeReset.detectedAt} (the lake path was found emptied or replaced): the next run writes into ${root} again, from --start`);
  }
  const file = plan.next.file;
  if (file && file.length > 0) notes.push(`the next run goes on filling ${file.path} from its committed length, ${file.length} bytes`);
  if (file && file.length === 0) notes.push(`the next run starts a new part, ${file.path}: the pending write leaves the hour's last part of unknown length`);
  if (plan.dropped.length > 0) {
    warnings.push(
      `drops ${hours(plan.dropped)} from "noticed": ${missing(plan.dropped)} the audit API counted there are not in the lake (${list(plan.dropped)}); ` +
        'a run from --start exports those hours again and its count check records what is still missing',
    );
  }
  if (plan.kept.length > 0) notes.push(`keeps ${hours(plan.kept)} in "noticed", before --start: ${missing(plan.kept)} not in the lake (${list(plan.kept)})`);
  return { warnings, notes };
}

/** A write that may or may not be in the lake: the file's length tells which. */
function pendingWrite(i: Intent): string {
  const absent = i.create ? ` (or the file does not exist)` : '';
  return (
    `the checkpoint holds a pending write no run has finished: ${count(i.events, 'event')}, bytes ${i.from} to ${i.to} of ${i.file.path}. ` +
    `Its batch may or may not be in the lake: check that file's length (${i.to} bytes: it is; ${i.from}${absent}: it is not). ` +
    'The reset drops the pending write, so no run will finish it'
  );
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const hours = (n: Noticed[]) => count(n.length, 'hour');
const missing = (n: Noticed[]) => count(n.reduce((s, x) => s + x.missing, 0), 'event');
const list = (n: Noticed[]) => n.map((x) => `${x.hour}: ${x.missing} missing`).join(', ');
