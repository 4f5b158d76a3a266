import { NEXT_WINDOW_READY, PARTS, PART_BYTES, SETTING_DEFAULTS } from '../config/defaults';
import { PartPool } from '../batches/partPool';
import type { Checkpoint, Next } from '../checkpoint/checkpoint';
import { checkCount, type CountCheck } from '../pages/countCheck';
import { cursorOf, positionOf } from '../pages/cursor';
import { startOf, type Position } from '../pages/position';
import { prefetch } from '../pages/prefetch';
import { ReadAhead } from '../pages/readAhead';
import { windowPages, type WindowEnd, type WindowPage } from '../pages/windowPages';
import { hasCode } from '../errors';
import type { StoredCheckpoint } from '../ports/checkpointStore';
import { HOUR_MS, hourOf, windowKey, type Window } from '../time/window';
import { planWindows } from './planWindows';
import { BatchWriter } from '../batches/batchWriter';
import { claimPath } from '../delivery/claimPath';
import { recover } from '../delivery/recoverIntent';
import type { RunDeps, RunOptions } from './runOptions';
import type { RunSummary } from './runSummary';
import { addQuarantined, addWindow, emptySourceReport } from './sourceReport';
import { writeAnswer, type InvalidEvents } from '../batches/writeAnswer';
import { recheckHours } from '../recheck/recheckHours';
import type { RecheckReport } from '../recheck/recheckReport';

/**
 * The export proper, under the lease: windows → pages → batches → delivery → checkpoint. It recovers an interrupted
 * write, then pages each window by time (pages/windowPages.ts) and streams the new events of each answer into
 * batches (append → intent → flush, see BatchWriter), until caught up or out of time. The next window's first pages
 * are fetched while the current one is written; batches are committed one at a time, in order. Each finished
 * window's count is checked against what was exported, and what the API did wrong is reported.
 */
export async function exportWindows(deps: RunDeps, options: RunOptions, leased: StoredCheckpoint, abortSignal: AbortSignal, started: Date): Promise<RunSummary> {
  const { clock, logger } = deps;
  const stopAt = started.getTime() + options.timeBudgetMs;
  const summary = { events: 0, bytes: 0, files: new Set<string>(), windows: 0 };
  const source = emptySourceReport();
  // The path must still be this configuration's, and hold what it wrote, before anything is written (recovery included).
  const claimed = await claimPath(leased, { ...deps, abortSignal }, { root: options.root, configId: options.configId, fileSystem: options.fileSystem, now: started });
  const recovered = await recover(claimed, { ...deps, abortSignal });
  const until = new Date(started.getTime() - options.lagSeconds * 1000);
  const batchMaxBytes = options.batchMaxBytes ?? SETTING_DEFAULTS.EXPORT_BATCH_MAX_BYTES;
  const parts = new PartPool(PART_BYTES, PARTS);
  const limits = { root: options.root, fileMaxBytes: options.fileMaxBytes, batchMaxBytes };
  const rechecking = (options.recheckHours ?? 0) > 0 && deps.ledger !== undefined;
  const writer = new BatchWriter(recovered, limits, {
    ...deps,
    ledger: rechecking ? deps.ledger : undefined,
    parts,
    abortSignal,
    onDelivered: ({ intent, window, ordinal, ms }) => {
      summary.events += intent.events;
      summary.bytes += intent.to - intent.from;
      summary.files.add(intent.file.path);
      const elapsedMs = clock.now().getTime() - started.getTime();
      const reached = new Date(intent.next.cursor ? intent.next.cursor.at : intent.next.watermark);
      options.onProgress?.({ events: summary.events, bytes: summary.bytes, reached, until, elapsedMs, budgetMs: options.timeBudgetMs });
      logger.info('batch written', { window: windowKey(window), ordinal, events: intent.events, bytes: intent.to - intent.from, file: intent.file.path, ms });
    },
  });
  const invalid: InvalidEvents = {
    mode: options.invalidEvents ?? SETTING_DEFAULTS.EXPORT_INVALID_EVENTS,
    onQuarantined: ({ hour, reason, id, time, path }) => {
      addQuarantined(source, hour);
      // The id and time are the API's text: printed as JSON strings, so nothing in them reads as part of the record.
      logger.warn('an event that cannot be placed was put in quarantine', { hour, reason, id: JSON.stringify(id), time: JSON.stringify(time), file: path });
    },
  };
  const hand = (next: Next) => writer.moveTo(next);
  const outOfTime = () => clock.now().getTime() >= stopAt;
  const plan = windowsToExport(recovered.checkpoint, until, options.maxWindows);
  // One byte bound for the pages out of the window being written and of the next one.
  const pageOptions = { size: options.pageSize, abortSignal, deadline: stopAt, readAhead: new ReadAhead(), notAfter: started.getTime() };
  const open = (k: number) => (k < plan.length ? prefetch(windowPages(deps.source, plan[k]!.window, plan[k]!.position, pageOptions), NEXT_WINDOW_READY) : undefined);
  const warnings: string[] = [];
  let status: RunSummary['status'] = 'caught-up';
  let current: AsyncGenerator<WindowPage, WindowEnd> | undefined;
  let upcoming: AsyncGenerator<WindowPage, WindowEnd> | undefined = open(0);
  let recheck: RecheckReport | undefined;

  try {
    outer: for (let k = 0; k < plan.length; k++) {
      const { window, position } = plan[k]!;
      if (outOfTime()) {
        status = 'time-budget';
        break;
      }
      current = upcoming!;
      upcoming = undefined;
      let item: IteratorResult<WindowPage, WindowEnd>;
      let last: WindowPage | undefined;
      // The next window is asked for once this one has answered (a failing API is not asked twice as often).
      for (let first = true; ; first = false) {
        try {
          item = await current.next();
        } catch (error) {
          if (!hasCode(error, 'WaitBeyondDeadline')) throw error;
          // The API asked for a wait that does not fit: stop cleanly where the window stands; the next run goes on.
          logger.warn(error.message);
          warnings.push(error.message);
          status = 'time-budget';
          if (last) hand({ watermark: window.start.toISOString(), cursor: cursorOf(window, last.after) });
          break outer;
        }
        if (item.done) break;
        // Pages too large for two to be out at once wait for this window's end instead.
        if (first && pageOptions.readAhead.roomForNext()) upcoming = open(k + 1);
        const answer = item.value;
        last = answer;
        const whole = await writeAnswer(writer, window, answer, (at) => hand({ watermark: window.start.toISOString(), cursor: cursorOf(window, at) }), { invalid, outOfTime });
        // Every line is copied into the append buffers by now.
        answer.page.release();
        // A failed append or commit ends the run (settled() below throws it); nothing more is fetched for it.
        if (writer.failed) break outer;
        if (!whole) {
          // Out of time between two batches: the export stands where the last one ended; the next run goes on there.
          status = 'time-budget';
          break outer;
        }
        if (outOfTime()) {
          // What is already fetched is written; the rest of the window waits for the next run.
          status = 'time-budget';
          hand({ watermark: window.start.toISOString(), cursor: cursorOf(window, answer.after) });
          break outer;
        }
      }
      upcoming ??= open(k + 1);
      const end = item.value;
      const check = withQuarantined(checkCount(end), writer.quarantinedIn(window));
      addWindow(source, window, end, position.dropped, check);
      const hour = hourOf(window.start).toISOString();
      if (check.missing > 0) {
        logger.warn('the audit API counts more events for this hour than were exported', {
          hour, window: windowKey(window), exported: end.position.written, missing: check.missing,
        });
      }
      if (check.countBelowExported > 0) {
        logger.warn("the audit API counts fewer events for this hour than were exported: its count cannot be trusted for that hour (nothing is lost by it; the re-check cannot rely on it)", {
          hour, window: windowKey(window), exported: end.position.written + end.position.dropped, counted: check.held, countBelowExported: check.countBelowExported,
        });
      }
      const at = clock.now().toISOString();
      const noticed = check.missing > 0 ? { hour, missing: check.missing, noticedAt: at, countedAt: at } : undefined;
      // A window that ends its hour closes it: the hour's manifest is written once its batches are in.
      const closes = window.end.getTime() === Date.parse(hour) + HOUR_MS;
      const hourDone = {
        hour, from: window.start.toISOString(), apiCount: check.held ?? null, closes, configId: options.configId, writtenAt: at, keepHours: options.recheckHours ?? 0,
        exported: end.position.written + end.position.dropped, before: end.position.before ?? null, beyond: end.beyond ?? null,
      };
      hand({ watermark: window.end.toISOString(), ...(noticed ? { noticed } : {}), hourDone });
      summary.windows++;
    }
    // Planned windows that stop short of `until`: the window limit cut the plan, more remains.
    const planEnd = plan.at(-1)?.window.end.getTime();
    if (status === 'caught-up' && planEnd !== undefined && planEnd < until.getTime()) status = 'window-limit';
    // Caught up: closed hours are re-checked for late events with the time left (new windows always come first).
    if (rechecking && status === 'caught-up' && !writer.failed) {
      recheck = await recheckHours(
        { source: deps.source, ledger: deps.ledger!, writer, clock, logger, invalid },
        { root: options.root, configId: options.configId, pageSize: options.pageSize, abortSignal, deadline: stopAt },
      );
    }
    // Events put in quarantine since a run last reported them (this run's, or a run's that stopped on its time budget
    // or was killed): a caught-up run reports them, once, as incomplete.
    const unseen = writer.planned.quarantineUnseen ?? 0;
    if (status === 'caught-up' && unseen > 0 && !writer.failed) {
      status = 'incomplete';
      const planned = writer.planned;
      hand({ watermark: planned.watermark, ...(planned.cursor ? { cursor: planned.cursor } : {}), seen: true });
      const message = `${unseen} event${unseen === 1 ? '' : 's'} could not be placed (no valid time or id) and ${unseen === 1 ? 'is' : 'are'} kept in ADLS_PATH/_quarantine, listed in ${unseen === 1 ? 'its hour\'s manifest' : 'their hours\' manifests'}, not in the hour files`;
      logger.error(message, { quarantined: unseen });
      warnings.push(message);
    }
  } catch (error) {
    // Nothing may still be writing once the run returns (its lease is released then).
    writer.abort(error);
    await writer.settled().catch(() => undefined);
    throw error;
  } finally {
    await Promise.all([current?.return(undefined as never), upcoming?.return(undefined as never)].map((p) => p?.catch(() => undefined)));
  }

  const { checkpoint } = await writer.finish();
  // An hour still short (this run's count or an earlier one's, not appended, agreed or acknowledged since) keeps
  // every run incomplete: a run is caught up only with every event of every closed window in the lake.
  const short = checkpoint.noticed ?? [];
  if (short.length > 0) {
    if (status === 'caught-up') status = 'incomplete';
    logger.warn('hours the audit API counts more events for than the lake holds: re-checked while within EXPORT_RECHECK_HOURS, or accepted with `audit-export checkpoint acknowledge --hour`', {
      hours: short.length, missing: short.reduce((n, h) => n + h.missing, 0), noticed: short.slice(0, 100).map((h) => `${h.hour}: ${h.missing} missing (counted ${h.countedAt ?? h.noticedAt})`).join(', '),
    });
  }
  // An event in the lake twice (both versions of a re-stamped one) breaks exactly once: said, and not caught up.
  source.idAtTwoTimes = [...writer.idAtTwoTimes];
  for (const { hour, events, ids } of source.idAtTwoTimes) {
    // Ids come from outside: each quoted and escaped, as JSON strings.
    const quoted = ids.map((id) => JSON.stringify(id)).join(' ');
    logger.warn('the audit API served these ids at two instants (re-stamped events): both versions are in the lake', { hour, events, ids: quoted });
    warnings.push(`${hour}: ${events} id(s) served at two instants, both versions in the lake: ${quoted}`);
  }
  if (source.idAtTwoTimes.length > 0 && status === 'caught-up') status = 'incomplete';
  return {
    status,
    events: summary.events,
    bytes: summary.bytes,
    files: [...summary.files],
    windows: summary.windows,
    watermark: checkpoint.watermark,
    startedAt: started.toISOString(),
    endedAt: clock.now().toISOString(),
    source,
    ...(short.length > 0 ? { noticed: short } : {}),
    ...(recheck ? { recheck } : {}),
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

/** The count check with the window's quarantined events counted as exported: the API counts them, and they are kept. */
function withQuarantined(check: CountCheck, quarantined: number): CountCheck {
  if (!check.verified || quarantined === 0 || check.held === undefined) return check;
  const exported = check.held - check.missing + check.countBelowExported + quarantined;
  return { ...check, missing: Math.max(0, check.held - exported), countBelowExported: Math.max(0, exported - check.held) };
}

/** Resumes a part-done window exactly where it stood, then plans hour windows up to `until`. */
function windowsToExport(checkpoint: Checkpoint, until: Date, limit?: number): Array<{ window: Window; position: Position }> {
  const fresh = (from: Date) => planWindows(from, until, limit).map((window) => ({ window, position: startOf(window) }));
  const c = checkpoint.cursor;
  if (!c) return fresh(new Date(checkpoint.watermark));
  const resumed = positionOf(c);
  return [resumed, ...fresh(resumed.window.end)];
}
