import type { Checkpoint, RecentHour } from '../checkpoint/checkpoint';
import { ensureError, hasCode } from '../errors';
import { readPage } from '../ndjson/auditPage';
import { hourFilePath, partOf } from '../lake/layout';
import { cursorOf, positionOf } from '../pages/cursor';
import { startOf } from '../pages/position';
import { KNOWN, NEW } from '../pages/sortAnswer';
import { windowPages, type WindowEnd, type WindowPage } from '../pages/windowPages';
import type { AuditSource } from '../ports/auditSource';
import type { Clock } from '../ports/clock';
import type { IdLedger } from '../ports/idLedger';
import type { Logger } from '../ports/logger';
import type { BatchWriter } from '../batches/batchWriter';
import { writeAnswer, type InvalidEvents } from '../batches/writeAnswer';
import { HOUR_MS, type Window } from '../time/window';
import { LedgerWindow } from './ledgerWindow';
import { emptyRecheckReport, type RecheckReport } from './recheckReport';
import { RECHECK_COUNTS_AT_ONCE } from '../config/defaults';


export interface RecheckDeps {
  source: AuditSource;
  ledger: IdLedger;
  writer: BatchWriter;
  clock: Clock;
  logger: Logger;
  /** What becomes of an event that cannot be placed (the run's EXPORT_INVALID_EVENTS). */
  invalid?: InvalidEvents;
}

export interface RecheckOptions {
  root: string;
  configId: string;
  pageSize: number;
  abortSignal: AbortSignal;
  /** Epoch ms: no hour is begun after it (a re-check part-way done goes on in the next run). */
  deadline: number;
}

/**
 * Re-checks the closed hours within the horizon, after the export has caught up: one count request per hour; where
 * the API now holds more than was exported, the hour is read again and the events whose ids were not exported are
 * appended as a new part file, and the hour's next manifest revision is written. A closed file is never changed.
 */
export async function recheckHours(deps: RecheckDeps, options: RecheckOptions): Promise<RecheckReport> {
  const report = emptyRecheckReport();
  const checked = new Set<string>();
  // Only committed hours are re-read: every batch handed over is flushed and its ids are in the ledger first.
  await deps.writer.committed();
  // Ids of hours past the horizon are no longer needed: the oldest hour kept is the first still re-checked.
  const oldest = deps.writer.planned.recent?.[0]?.record.hour;
  if (oldest) await deps.ledger.pruneBefore(deps.writer.planned.recheck && deps.writer.planned.recheck.hour < oldest ? deps.writer.planned.recheck.hour : oldest, options);
  // One small request per hour, several at once: a quiet horizon costs one round trip or so, not one per hour.
  const counts = deps.clock.now().getTime() < options.deadline ? await countAll(deps, deps.writer.planned.recent ?? [], options) : new Map<string, number | undefined>();
  for (let round = 0; round < 10_000; round++) {
    if (deps.clock.now().getTime() >= options.deadline) break;
    const planned = deps.writer.planned;
    if (planned.recheck) {
      // Part-way done by an earlier run (or just begun): go on; what stops it part-way stops the re-check.
      if (!(await appendLate(deps, options, planned, report))) break;
      continue;
    }
    const entry = (planned.recent ?? []).find((e) => !checked.has(e.record.hour));
    if (!entry) break;
    checked.add(entry.record.hour);
    await checkHour(deps, options, planned, entry, counts.get(entry.record.hour), report);
  }
  // What was found and is not in the lake now keeps its hour noticed (and the run incomplete) until appended or acknowledged.
  const doing = deps.writer.planned.recheck?.hour;
  report.short = (deps.writer.planned.noticed ?? []).filter((n) => checked.has(n.hour) || n.hour === doing).map((n) => ({ hour: n.hour, missing: n.missing }));
  if (report.short.length > 0) {
    deps.logger.warn('re-check: the audit API counts events of closed hours that are not in the lake', {
      hours: report.short.length, missing: report.short.reduce((n, h) => n + h.missing, 0), short: report.short.slice(0, 100).map((h) => `${h.hour}: ${h.missing} missing`).join(', '),
    });
  }
  return report;
}

/** Each recent hour's count now (undefined where the API gave none). */
async function countAll(deps: RecheckDeps, recent: RecentHour[], options: RecheckOptions): Promise<Map<string, number | undefined>> {
  const counts = new Map<string, number | undefined>();
  const queue = [...recent];
  const worker = async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) {
      const window = hourWindow(entry.record.hour, entry.record.from);
      try {
        const page = await readPage(deps.source, { window, from: new Date(window.start.getTime() - 1), to: window.end, offset: 0, size: 1 }, options);
        page.release();
        counts.set(entry.record.hour, page.count);
      } catch (error) {
        // The export itself is done; an hour that cannot be counted now is counted again next run.
        if (options.abortSignal.aborted) throw error;
        deps.logger.warn('re-check: could not count the hour; it is checked again next run', { hour: entry.record.hour, error: ensureError(error).message });
        counts.set(entry.record.hour, undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECHECK_COUNTS_AT_ONCE, queue.length) }, worker));
  return counts;
}

/** Compares an hour's count with what it holds; a re-read only if the API now holds more than was exported. */
async function checkHour(deps: RecheckDeps, options: RecheckOptions, planned: Checkpoint, entry: RecentHour, count: number | undefined, report: RecheckReport): Promise<void> {
  const { record } = entry;
  const window = hourWindow(record.hour, record.from);
  report.hoursChecked++;
  if (count === undefined || record.before == null || record.beyond == null || record.exported === undefined || record.skipped) {
    report.hoursUnverified++;
    return;
  }
  const held = count - record.before - record.beyond;
  if (held < record.exported) {
    // A count below what the lake holds proves nothing about what may be missing: a noticed hour stays as it was.
    report.countDown.push({ hour: record.hour, fewer: record.exported - held });
    deps.logger.warn('re-check: the audit API counts fewer events for this hour than were exported', { hour: record.hour, exported: record.exported, counted: held });
    return;
  }
  const counted = { hour: record.hour, missing: held - record.exported, countedAt: deps.clock.now().toISOString() };
  if (held === record.exported) {
    // The count agrees: an hour noticed short is not any more.
    if (planned.noticed?.some((n) => n.hour === record.hour)) deps.writer.moveTo({ watermark: planned.watermark, counted });
    return;
  }
  const part = 1 + Math.max(-1, ...record.parts.map((p) => partOf(p.path)));
  const file = { path: hourFilePath(options.root, window.start, part), hour: record.hour, part, length: 0 };
  deps.writer.moveTo({ watermark: planned.watermark, counted, recheck: { begin: { hour: record.hour, file, apiCount: held } } });
  report.lateFound += held - record.exported;
  // The loop goes on with it (or, stopped part-way, stops): see recheckHours.
}

/**
 * Reads the hour again from where the re-check stands and appends every event whose id the hour does not hold.
 * False when it stopped part-way (out of time, the API asked for a wait past the deadline, or a write failed): the
 * position reached is handed over, and the next run goes on from it.
 */
async function appendLate(deps: RecheckDeps, options: RecheckOptions, planned: Checkpoint, report: RecheckReport): Promise<boolean> {
  const r = planned.recheck!;
  const window = hourWindow(r.hour, r.record.from);
  const exported = new LedgerWindow(deps.ledger, r.hour, r.record.parts, options);
  const start = r.cursor ? positionOf(r.cursor).position : startOf(window);
  const moveAt = (at: WindowEnd['position']) => deps.writer.moveTo({ watermark: deps.writer.planned.watermark, recheck: { cursor: cursorOf(window, at) } });
  const pages = windowPages(deps.source, window, start, { size: options.pageSize, abortSignal: options.abortSignal, deadline: options.deadline, notAfter: deps.clock.now().getTime() });
  let appended = 0;
  let reached: WindowEnd['position'] | undefined;
  try {
    for (let item = await pages.next(); !item.done; item = await pages.next()) {
      const answer = await onlyNotExported(item.value, exported);
      appended += answer.sorted.fresh;
      const whole = await writeAnswer(deps.writer, window, answer, moveAt, { invalid: deps.invalid, outOfTime: () => deps.clock.now().getTime() >= options.deadline });
      answer.page.release();
      if (!whole) return false;
      reached = answer.after;
      if (deps.writer.failed) return false;
      // The re-check shares the run's time: past it, stop where the hour stands.
      if (deps.clock.now().getTime() >= options.deadline) {
        moveAt(answer.after);
        return false;
      }
    }
  } catch (error) {
    if (!hasCode(error, 'WaitBeyondDeadline')) throw error;
    deps.logger.warn(error.message);
    if (reached) moveAt(reached);
    return false;
  } finally {
    await pages.return(undefined as never);
  }
  deps.writer.moveTo({ watermark: deps.writer.planned.watermark, recheck: { done: { configId: options.configId, writtenAt: deps.clock.now().toISOString() } } });
  // Said once it is so: the new part and the manifest revision are in the lake.
  await deps.writer.committed();
  report.lateAppended += appended;
  report.hours.push({ hour: r.hour, appended });
  if (appended > 0) deps.logger.info('re-check: late events appended to a closed hour', { hour: r.hour, appended, file: r.file.path, revision: r.revision });
  else deps.logger.warn('re-check: re-read the hour and found no event the lake does not hold', { hour: r.hour, counted: r.apiCount, revision: r.revision });
  return true;
}

/** The answer with the events whose ids were exported already marked as such. */
async function onlyNotExported(item: WindowPage, exported: LedgerWindow): Promise<WindowPage> {
  const { page, sorted } = item;
  const kinds = Uint8Array.from(sorted.kinds);
  let fresh = 0;
  for (let i = 0; i < sorted.end; i++) {
    if (kinds[i] !== NEW) continue;
    if (await exported.has(page.eventTimes[i]!, page.ndjson, page.idStarts[i]!, page.idEnds[i]!)) kinds[i] = KNOWN;
    else fresh++;
  }
  return { ...item, sorted: { ...sorted, kinds, fresh } };
}


/** The hour from where the export began in it (not before EXPORT_START or a reset's start) to its end. */
function hourWindow(hour: string, from?: string): Window {
  const start = new Date(hour);
  return { start: new Date(from ?? hour), end: new Date(start.getTime() + HOUR_MS) };
}
