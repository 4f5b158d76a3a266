import { PartPool } from '../batch/partPool';
import { DEFAULT_BATCH_BYTES } from '../batch/planBatch';
import type { Checkpoint, Cursor } from '../checkpoint/checkpoint';
import type { StoredCheckpoint } from '../ports/checkpointStore';
import { planWindows, type Window } from '../window/window';
import { BatchWriter } from './batchWriter';
import { pagesOf } from './pages';
import { recover } from './recover';
import type { RunDeps, RunOptions, RunSummary } from './run';

/**
 * Appends of up to 2 MiB, three in flight while a fourth fills: 8 MiB of buffers whatever the backlog. Against 4 MiB
 * in alternating bench runs: 3-5 % fewer events/s, but 3-8 MiB less peak RSS for a large backlog, which keeps it within
 * 5 % of a small run's (a small run touches less of larger buffers). 8 MiB appends only cost more memory.
 * A small batch is still cut in PARTS appends, so they travel together.
 */
const PART_BYTES = 2 * 1024 * 1024;
const PARTS = 4;

/**
 * The export proper, under the lease: recover an interrupted write, then for each window fetch pages and
 * stream their NDJSON lines into batches (intent → append → flush, see BatchWriter), until caught up or out
 * of time. Pages are fetched while earlier parts are appended; batches are committed one at a time, in order.
 */
export async function exportWindows(deps: RunDeps, options: RunOptions, leased: StoredCheckpoint, abortSignal: AbortSignal, started: Date): Promise<RunSummary> {
  const { clock, logger } = deps;
  const stopAt = started.getTime() + options.timeBudgetMs;
  const summary = { events: 0, bytes: 0, files: new Set<string>(), windows: 0 };
  const recovered = await recover(leased, { ...deps, abortSignal });
  const until = new Date(started.getTime() - options.lagSeconds * 1000);
  const batchMaxBytes = options.batchMaxBytes ?? DEFAULT_BATCH_BYTES;
  const parts = new PartPool(Math.min(PART_BYTES, Math.ceil(batchMaxBytes / PARTS)), PARTS);
  const limits = { root: options.root, fileMaxBytes: options.fileMaxBytes, batchMaxBytes };
  const writer = new BatchWriter(recovered, limits, {
    ...deps,
    parts,
    abortSignal,
    onDelivered: ({ intent, window, offset, ms }) => {
      summary.events += intent.events;
      summary.bytes += intent.to - intent.from;
      summary.files.add(intent.file.path);
      const elapsedMs = clock.now().getTime() - started.getTime();
      const reached = new Date(intent.next.cursor ? window.start : intent.next.watermark);
      options.onProgress?.({ events: summary.events, bytes: summary.bytes, reached, until, elapsedMs, budgetMs: options.timeBudgetMs });
      logger.info('batch written', {
        window: `${window.start.toISOString()}/${window.end.toISOString()}`,
        offset, events: intent.events, bytes: intent.to - intent.from, file: intent.file.path, ms,
      });
    },
  });
  // Whether the writer's checkpoint has moved past the stored one (a batch's advance rides on the next save).
  let unsaved = false;
  // Ends the open batch at `next`, or moves the export there when the window had no (more) events.
  const hand = (next: { watermark: string; cursor?: Cursor }) => {
    if (writer.open) writer.end(next);
    else writer.advance(next);
    unsaved = true;
  };
  let status: RunSummary['status'] = 'caught-up';

  try {
    outer: for (const window of windowsToExport(recovered.checkpoint, until)) {
      const resumed = recovered.checkpoint.cursor;
      let offset = resumed && sameWindow(resumed, window) ? resumed.offset : 0;
      const midWindow = () => ({ watermark: window.start.toISOString(), cursor: cursorOf(window, offset) });

      if (clock.now().getTime() >= stopAt) {
        status = 'time-budget';
        break;
      }
      for await (const { page } of pagesOf(deps.source, window, offset, options.pageSize, abortSignal)) {
        const ends = page.lineEnds;
        for (let i = 0; i < ends.length; ) {
          const taken = await writer.add(window, offset, page.ndjson, ends, i);
          i += taken;
          offset += taken;
          // The batch is full (the next line does not fit): hand it over; the next add() opens another.
          if (i < ends.length) hand(midWindow());
        }
        // Every line is copied into the append buffers by now.
        page.release?.();
        // A failed append or commit ends the run (settled() below throws it); nothing more is fetched for it.
        if (writer.failed) break outer;
        if (clock.now().getTime() >= stopAt) {
          // What is already fetched is written; the rest of the window waits for the next run.
          status = 'time-budget';
          if (writer.open) hand(midWindow());
          break outer;
        }
      }
      hand({ watermark: window.end.toISOString() });
      summary.windows++;
    }
  } catch (error) {
    // Nothing may still be writing once the run returns (its lease is released then).
    writer.abort(error);
    await writer.settled().catch(() => undefined);
    throw error;
  }

  let { checkpoint, etag } = await writer.settled();
  if (unsaved) etag = await deps.store.save(checkpoint, etag, { abortSignal });
  return {
    status,
    events: summary.events,
    bytes: summary.bytes,
    files: [...summary.files],
    windows: summary.windows,
    watermark: checkpoint.watermark,
    startedAt: started.toISOString(),
    endedAt: clock.now().toISOString(),
  };
}

/** Resumes a part-done window exactly as it was planned, then plans hour windows up to `until`. */
function windowsToExport(checkpoint: Checkpoint, until: Date): Window[] {
  const c = checkpoint.cursor;
  if (!c) return planWindows(new Date(checkpoint.watermark), until);
  const resumed = { start: new Date(c.window.start), end: new Date(c.window.end) };
  return [resumed, ...planWindows(resumed.end, until)];
}

function cursorOf(window: Window, offset: number): Cursor {
  return { window: { start: window.start.toISOString(), end: window.end.toISOString() }, offset };
}

function sameWindow(c: Cursor, w: Window): boolean {
  return c.window.start === w.start.toISOString() && c.window.end === w.end.toISOString();
}
