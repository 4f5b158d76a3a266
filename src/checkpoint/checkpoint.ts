import { z } from 'zod';

/**
 * The exporter's whole state for one export configuration.
 *
 * Invariant: every event with a time < `watermark` is committed in the lake, plus, when a window is part-way done,
 * what `cursor` says of it (keyset paging: every event before `cursor.at`, and those in `cursor.ids` at it). `file`
 * is the hour file being filled and its committed length. `intent` is a write that may or may not have reached the
 * lake: it is recorded once its bytes are staged, before the flush that makes them visible, and cleared, together
 * with the advance it describes, after that flush. `noticed` lists hours where the audit API came to hold more
 * events than were exported: too late to place in order, kept until a re-check fetches them.
 */
export interface Checkpoint {
  version: 2;
  /** Where the export began (EXPORT_START, or the first run's default): later settings cannot move it. */
  origin?: string;
  watermark: string;
  cursor?: Cursor;
  file?: OpenFile;
  intent?: Intent;
  noticed?: Noticed[];
  /** The head of the manifests' hash chain (see manifest/manifest.ts). */
  chain?: Chain;
}

export interface Chain {
  /** sha256 (hex) of the last manifest written. */
  head: string;
  /** Its path, and when it was written. */
  path: string;
  writtenAt: string;
  /** Manifests written so far. */
  manifests: number;
}

/** Where a part-done window's paging stands (see paging/position.ts). */
export interface Cursor {
  window: { start: string; end: string };
  /** The next request: its minDate, and how many events at its head are already written. */
  from: string;
  skip: number;
  /** The last written event's time, and the ids (JSON tokens) written at it. */
  at: string;
  ids: string[];
  /** Ids at `at` that the API showed more than once, with how many copies. */
  copies?: Record<string, number>;
  written: number;
  dropped: number;
  before?: number;
}

/** An hour whose events the API counted more of than were exported. */
export interface Noticed {
  hour: string;
  missing: number;
  noticedAt: string;
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
  next: Next;
}

export interface Next {
  watermark: string;
  cursor?: Cursor;
  /** An hour whose count check found events missing, recorded with the move past it. */
  noticed?: Noticed;
}

/** Hours kept in `noticed`: the oldest give way (the re-check horizon is far shorter). */
export const NOTICED_KEPT = 1000;

const iso = z.iso.datetime();
const count = z.number().int().min(0);
const cursorV1 = z.object({ window: z.object({ start: iso, end: iso }), offset: count });
const cursor = z.object({
  window: z.object({ start: iso, end: iso }),
  from: iso, skip: count, at: iso, ids: z.array(z.string().min(1)),
  copies: z.record(z.string(), z.number().int().min(2)).optional(),
  written: count, dropped: count, before: count.optional(),
});
const noticed = z.object({ hour: iso, missing: z.number().int().min(1), noticedAt: iso });
const openFile = z.object({ path: z.string().min(1), hour: iso, part: count, length: count });
const schemaOf = <C extends z.ZodType>(version: 1 | 2, c: C) =>
  z.object({
    version: z.literal(version),
    origin: iso.optional(),
    watermark: iso,
    cursor: c.optional(),
    file: openFile.optional(),
    intent: z
      .object({
        file: openFile,
        create: z.boolean(),
        from: count,
        to: count,
        events: count,
        next: z.object({ watermark: iso, cursor: c.optional(), noticed: noticed.optional() }),
      })
      .refine((i) => i.to > i.from && i.file.length === i.to, 'intent must cover a non-empty byte range ending at the file length')
      .optional(),
    noticed: z.array(noticed).optional(),
    chain: z.object({ head: z.string().regex(/^[0-9a-f]{64}$/), path: z.string().min(1), writtenAt: iso, manifests: count }).optional(),
  });
export function initialCheckpoint(watermark: Date): Checkpoint {
  return { version: 2, origin: watermark.toISOString(), watermark: watermark.toISOString() };
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
  const v2 = schemaOf(2, cursor).safeParse(data);
  if (v2.success) return v2.data as Checkpoint;
  const v1 = schemaOf(1, cursorV1).safeParse(data);
  if (v1.success) return upgrade(v1.data);
  const first = ((data as { version?: unknown })?.version === 1 ? v1 : v2).error!.issues[0]!;
  throw new Error(`checkpoint is not valid: ${first.path.join('.') || '(root)'}: ${first.message}`);
}

type CursorV1 = z.infer<typeof cursorV1>;

/**
 * A version 1 checkpoint paged by offset from the window's start: its cursor becomes a keyset position that asks
 * from that start, skipping what it wrote, with nothing yet known at any instant.
 */
function upgrade(c: z.infer<ReturnType<typeof schemaOf<typeof cursorV1>>>): Checkpoint {
  const up = (k: CursorV1): Cursor => ({ window: k.window, from: k.window.start, skip: k.offset, at: k.window.start, ids: [], written: k.offset, dropped: 0 });
  const { intent, cursor: k, ...rest } = c;
  return {
    ...rest,
    version: 2,
    ...(k ? { cursor: up(k) } : {}),
    ...(intent ? { intent: { ...intent, next: { ...intent.next, ...(intent.next.cursor ? { cursor: up(intent.next.cursor) } : {}) } } } : {}),
  } as Checkpoint;
}

/** The state once the export stands at `next`: a new watermark, a cursor only if a window is part-way done. */
export function moveTo(c: Checkpoint, next: Next): Checkpoint {
  const { cursor: _old, noticed: kept, ...rest } = c;
  const noticed = next.noticed ? [...(kept ?? []), next.noticed].slice(-NOTICED_KEPT) : kept;
  return { ...rest, watermark: next.watermark, ...(next.cursor ? { cursor: next.cursor } : {}), ...(noticed ? { noticed } : {}) };
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
