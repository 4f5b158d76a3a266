import { z } from 'zod';

/**
 * The exporter's whole state for one export configuration.
 *
 * Invariant: every event with eventTimestamp < `watermark` is committed in the lake, plus the first
 * `cursor.offset` events of `cursor.window` when a window is part-way done. `file` is the hour file being
 * filled and its committed length. `intent` is a write that may or may not have reached the lake: it is
 * recorded once its bytes are staged, before the flush that makes them visible, and cleared, together with the
 * advance it describes, after that flush.
 */
export interface Checkpoint {
  version: 1;
  watermark: string;
  cursor?: Cursor;
  file?: OpenFile;
  intent?: Intent;
}

export interface Cursor {
  window: { start: string; end: string };
  offset: number;
}

export interface OpenFile {
  path: string;
  /** ISO start of the UTC hour the file holds. */
  hour: string;
  part: number;
  /** Bytes committed (flushed) so far. */
  length: number;
}

export interface Intent {
  /** The file after the write: path, hour, part and length (= `to`). */
  file: OpenFile;
  /** The batch started the file (created it before its first append). */
  create: boolean;
  from: number;
  to: number;
  events: number;
  /** Where the export stands once these bytes are in: the new watermark and cursor. */
  next: { watermark: string; cursor?: Cursor };
}

const iso = z.iso.datetime();
const cursor = z.object({ window: z.object({ start: iso, end: iso }), offset: z.number().int().min(0) });
const openFile = z.object({
  path: z.string().min(1),
  hour: iso,
  part: z.number().int().min(0),
  length: z.number().int().min(0),
});
const schema = z.object({
  version: z.literal(1),
  watermark: iso,
  cursor: cursor.optional(),
  file: openFile.optional(),
  intent: z
    .object({
      file: openFile,
      create: z.boolean(),
      from: z.number().int().min(0),
      to: z.number().int().min(0),
      events: z.number().int().min(0),
      next: z.object({ watermark: iso, cursor: cursor.optional() }),
    })
    .refine((i) => i.to > i.from && i.file.length === i.to, 'intent must cover a non-empty byte range ending at the file length')
    .optional(),
});

export function initialCheckpoint(watermark: Date): Checkpoint {
  return { version: 1, watermark: watermark.toISOString() };
}

export function encodeCheckpoint(c: Checkpoint): string {
  return JSON.stringify(c);
}

/** Parses a stored checkpoint; anything else is refused rather than guessed at. */
export function decodeCheckpoint(text: string): Checkpoint {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error('checkpoint is not JSON');
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new Error(`checkpoint is not valid: ${first.path.join('.') || '(root)'}: ${first.message}`);
  }
  return parsed.data as Checkpoint;
}

/** The state once the export stands at `next`: a new watermark, and a cursor only if a window is part-way done. */
export function moveTo(c: Checkpoint, next: Intent['next']): Checkpoint {
  const { cursor: _old, ...rest } = c;
  return { ...rest, watermark: next.watermark, ...(next.cursor ? { cursor: next.cursor } : {}) };
}

/** The state once an intent's bytes are committed: advance and clear the intent, in one write. */
export function applyIntent(c: Checkpoint, intent: Intent): Checkpoint {
  return { ...moveTo(dropIntent(c), intent.next), file: intent.file };
}

/** The state with an intent dropped because its bytes are not in the lake (they will be fetched and written again). */
export function dropIntent(c: Checkpoint): Checkpoint {
  const { intent: _dropped, ...rest } = c;
  return rest;
}
