import { BatchBuilder, DEFAULT_BATCH_BYTES } from '../batch/batchBuilder';
import { planIntent } from '../batch/planIntent';
import type { Checkpoint, Cursor } from '../checkpoint/checkpoint';
import type { StoredCheckpoint } from '../ports/checkpointStore';
import { planWindows, type Window } from '../window/window';
import { deliver } from './deliver';
import { DeliveryLine } from './deliveryLine';
import { pagesOf } from './pages';
import { recover } from './recover';
import type { RunDeps, RunOptions, RunSummary } from './run';

/** Appends of a few MiB keep request overhead small and let a batch's appends travel in parallel. */
const APPEND_BYTES = 4 * 1024 * 1024;

/**
 * The export proper, under the lease: recover an interrupted write, then for each window fetch pages, collect
 * their NDJSON lines into batches and deliver each (intent → append → flush), until caught up or out of time.
 * A batch is delivered while the next one is collected; deliveries themselves go one at a time, in order.
 */
export async function exportWindows(deps: RunDeps, options: RunOptions, leased: StoredCheckpoint, abortSignal: AbortSignal, started: Date): Promise<RunSummary> {
  const { clock, logger } = deps;
  const stopAt = started.getTime() + options.timeBudgetMs;
  const summary = { events: 0, bytes: 0, files: new Set<string>(), windows: 0 };
  const recovered = await recover(leased, { ...deps, abortSignal });
  // A batch's advance and empty windows ride on the next save: the line's checkpoint runs ahead of the stored one.
  const line = new DeliveryLine(recovered);
  let unsaved = false;

  const until = new Date(started.getTime() - options.lagSeconds * 1000);
  // A batch never outgrows a file: parts stay within the size limit unless one event alone is larger.
  const batch = new BatchBuilder(Math.min(options.chunkTargetBytes ?? DEFAULT_BATCH_BYTES, options.fileMaxBytes));
  let status: RunSummary['status'] = 'caught-up';

  outer: for (const window of windowsToExport(recovered.checkpoint, until)) {
    const resumed = recovered.checkpoint.cursor;
    let offset = resumed && sameWindow(resumed, window) ? resumed.offset : 0;
    const write = async (next: { watermark: string; cursor?: Cursor }) => {
      const { events, bytes } = batch;
      const at = offset - events;
      const parts = batch.take(APPEND_BYTES);
      // The batch before this one used the buffer the builder fills next: it must be in the lake first.
      await line.settled();
      line.queue(async (stored) => {
        const began = Date.now();
        const intent = planIntent(stored.checkpoint, { window, bytes, events, next }, options.root, options.fileMaxBytes);
        const delivered = await deliver(stored, intent, parts, { ...deps, abortSignal });
        summary.events += events;
        summary.bytes += bytes;
        summary.files.add(intent.file.path);
        const elapsedMs = clock.now().getTime() - started.getTime();
        options.onProgress?.({ events: summary.events, bytes: summary.bytes, reached: new Date(next.cursor ? window.start : next.watermark), until, elapsedMs, budgetMs: options.timeBudgetMs });
        logger.info('batch written', {
          window: `${window.start.toISOString()}/${window.end.toISOString()}`,
          offset: at, events, bytes, file: intent.file.path, ms: Date.now() - began,
        });
        return delivered;
      });
      unsaved = true;
    };
    const midWindow = () => ({ watermark: window.start.toISOString(), cursor: cursorOf(window, offset) });

    if (clock.now().getTime() >= stopAt) {
      status = 'time-budget';
      break;
    }
    for await (const { page } of pagesOf(deps.source, window, offset, options.pageSize, abortSignal)) {
      const ends = page.lineEnds;
      for (let i = 0; i < ends.length; ) {
        // Take as many whole lines as fit (at least one into an empty batch), as one slice of the page.
        const from = i === 0 ? 0 : ends[i - 1]!;
        let j = i;
        while (j < ends.length && (ends[j]! - from <= batch.room || (batch.events === 0 && j === i))) j++;
        if (j > i) {
          batch.add(page.ndjson.subarray(from, ends[j - 1]!), j - i);
          offset += j - i;
          i = j;
        }
        // The batch is full (the next line does not fit): deliver it; the empty batch then takes at least one line.
        if (i < ends.length) await write(midWindow());
      }
      // A failed delivery ends the run (settled() below throws it); nothing more is fetched for it.
      if (line.failed) break outer;
      if (clock.now().getTime() >= stopAt) {
        // What is already fetched is written; the rest of the window waits for the next run.
        status = 'time-budget';
        if (batch.events > 0) await write(midWindow());
        break outer;
      }
    }
    const done = { watermark: window.end.toISOString() };
    if (batch.events > 0) await write(done);
    else {
      line.queue((stored) => ({ checkpoint: { ...withoutCursor(stored.checkpoint), ...done }, etag: stored.etag }));
      unsaved = true;
    }
    summary.windows++;
  }

  let { checkpoint, etag } = await line.settled();
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

function withoutCursor(c: Checkpoint): Checkpoint {
  const { cursor: _done, ...rest } = c;
  return rest;
}
