import { ChunkBuilder } from '../batch/chunk';
import { encodeLine } from '../batch/ndjson';
import { planIntent } from '../batch/planIntent';
import type { Checkpoint, Cursor } from '../checkpoint/checkpoint';
import type { StoredCheckpoint } from '../ports/checkpointStore';
import { planWindows, type Window } from '../window/window';
import { deliver } from './deliver';
import { recover } from './recover';
import type { RunDeps, RunOptions, RunSummary } from './run';
import { validatePage } from './validatePage';

const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * The export proper, under the lease: recover an interrupted write, then for each window fetch pages, encode
 * NDJSON into batches and deliver each (intent → append → flush → checkpoint), until caught up or out of time.
 */
export async function exportWindows(deps: RunDeps, options: RunOptions, leased: StoredCheckpoint, abortSignal: AbortSignal, started: Date): Promise<RunSummary> {
  const { clock, logger } = deps;
  const opts = { abortSignal };
  const stopAt = started.getTime() + options.timeBudgetMs;
  const summary = { events: 0, bytes: 0, files: new Set<string>(), windows: 0 };
  let stored = await recover(leased, { ...deps, abortSignal });
  // Windows finished without a write (empty ones) move the watermark in memory; the next save carries it.
  let pending: Checkpoint = stored.checkpoint;

  const until = new Date(started.getTime() - options.lagSeconds * 1000);
  let status: RunSummary['status'] = 'caught-up';
  outer: for (const window of windowsToExport(pending, until)) {
    let offset = pending.cursor && sameWindow(pending.cursor, window) ? pending.cursor.offset : 0;
    // A batch never outgrows a file: parts stay within the size limit unless one event alone is larger.
    const chunk = new ChunkBuilder(Math.min(options.chunkTargetBytes ?? DEFAULT_CHUNK_BYTES, options.fileMaxBytes));
    const write = async (next: { watermark: string; cursor?: Cursor }) => {
      const began = Date.now();
      const events = chunk.events;
      const data = chunk.take();
      const intent = planIntent(pending, { window, bytes: data.length, events, next }, options.root, options.fileMaxBytes);
      stored = await deliver({ checkpoint: pending, etag: stored.etag }, intent, data, { ...deps, abortSignal });
      pending = stored.checkpoint;
      summary.events += events;
      summary.bytes += data.length;
      summary.files.add(intent.file.path);
      options.onProgress?.({
        events: summary.events,
        bytes: summary.bytes,
        reached: new Date(intent.next.cursor ? window.start : intent.next.watermark),
        until,
        elapsedMs: clock.now().getTime() - started.getTime(),
        budgetMs: options.timeBudgetMs,
      });
      logger.info('batch written', {
        window: `${window.start.toISOString()}/${window.end.toISOString()}`,
        offset: offset - events,
        events, bytes: data.length, file: intent.file.path, ms: Date.now() - began,
      });
    };

    for (let pages = 0; ; pages++) {
      if (clock.now().getTime() >= stopAt) {
        status = 'time-budget';
        // What is already fetched is written; the rest of the window waits for the next run.
        if (chunk.events > 0) await write({ watermark: window.start.toISOString(), cursor: cursorOf(window, offset) });
        break outer;
      }
      const request = { window, offset, size: options.pageSize };
      const page = await deps.source.fetchPage(request, opts);
      validatePage(page, request);
      for (const event of page.events) {
        const line = encodeLine(event);
        const lineBytes = Buffer.byteLength(line, 'utf8');
        if (chunk.wouldOverflow(lineBytes)) await write({ watermark: window.start.toISOString(), cursor: cursorOf(window, offset) });
        chunk.add(line, lineBytes);
        offset++;
      }
      if (page.events.length < options.pageSize) break;
    }
    const done = { watermark: window.end.toISOString() };
    if (chunk.events > 0) await write(done);
    else pending = { ...withoutCursor(pending), ...done };
    summary.windows++;
  }

  if (pending !== stored.checkpoint) stored = { checkpoint: pending, etag: await deps.store.save(pending, stored.etag, opts) };
  return {
    status,
    events: summary.events,
    bytes: summary.bytes,
    files: [...summary.files],
    windows: summary.windows,
    watermark: stored.checkpoint.watermark,
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
