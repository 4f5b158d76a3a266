import { z } from 'zod';
import { ExportError, hasCode } from '../errors';
import { MANIFEST_FORMAT } from '../manifest/manifest';
import type { Checkpoint, Cursor } from './checkpoint';

// The checkpoint as stored: JSON, checked against its schema on the way in, a version 1 checkpoint upgraded.

const iso = z.iso.datetime();
const count = z.number().int().min(0);
const cursorV1 = z.object({ window: z.object({ start: iso, end: iso }), offset: count });
const cursor = z.object({
  window: z.object({ start: iso, end: iso }),
  from: iso, skip: count, at: iso, ids: z.array(z.string().min(1)),
  copies: z.record(z.string(), z.number().int().min(2)).optional(),
  written: count, dropped: count, before: count.optional(),
});
const noticed = z.object({ hour: iso, missing: z.number().int().min(1), noticedAt: iso, countedAt: iso.optional() });
const counted = z.object({ hour: iso, missing: z.number().int(), countedAt: iso });
const acknowledged = z.object({ hour: iso, missing: z.number().int().min(1), noticedAt: iso, countedAt: iso, acknowledgedAt: iso, by: z.string() });
const hex = z.string().regex(/^[0-9a-f]{64}$/);
const part = z.object({
  path: z.string().min(1), length: count, events: count, firstId: z.string(), lastId: z.string(),
  ranges: z.array(z.object({ from: count, to: count, sha256: z.union([hex, z.literal('')]), firstAt: z.number().optional(), lastAt: z.number().optional() })),
});
const quarantineFile = z.object({ path: z.string().min(1), bytes: count, events: count, sha256: hex, reason: z.string(), window: iso.optional() });
const hourRecord = z.object({
  hour: iso, parts: z.array(part), quarantine: z.array(quarantineFile).optional(), apiCount: count.nullable(),
  exported: count.optional(), before: count.nullable().optional(), beyond: count.nullable().optional(), from: iso.optional(),
  skipped: z.boolean().optional(),
});
const manifest = z.object({
  format: z.literal(MANIFEST_FORMAT), configId: z.string(), hour: iso, revision: z.number().int().min(1),
  parts: z.array(part), quarantine: z.array(quarantineFile).optional(), apiCount: count.nullable(), writtenAt: iso, previous: hex.nullable(),
});
const hourDone = z.object({
  hour: iso, apiCount: count.nullable(), closes: z.boolean(), configId: z.string(), writtenAt: iso,
  exported: count, before: count.nullable(), beyond: count.nullable(), keepHours: count, from: iso,
});
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
        sha256: hex.optional(),
        firstId: z.string().optional(),
        lastId: z.string().optional(),
        firstAt: z.number().optional(),
        lastAt: z.number().optional(),
        next: z.object({ watermark: iso, cursor: c.optional(), noticed: noticed.optional(), counted: counted.optional(), hourDone: hourDone.optional(), recheck: recheckStep(c).optional(), quarantined: z.array(quarantineFile.extend({ hour: iso })).optional(), seen: z.boolean().optional() }),
      })
      .refine((i) => i.to > i.from && i.file.length === i.to, 'intent must cover a non-empty byte range ending at the file length')
      .optional(),
    noticed: z.array(noticed).optional(),
    acknowledged: z.array(acknowledged).optional(),
    chain: z.object({ head: hex, path: z.string().min(1), writtenAt: iso, manifests: count }).optional(),
    openHour: hourRecord.optional(),
    pendingManifests: z.array(manifest).optional(),
    recent: z.array(z.object({ record: hourRecord, revision: z.number().int().min(1) })).optional(),
    recheck: z.object({ hour: iso, file: openFile, record: hourRecord, revision: z.number().int().min(1), apiCount: count, cursor: c.optional() }).optional(),
    quarantineUnseen: count.optional(),
    closedQuarantine: z.array(z.string().min(1)).max(1000).optional(),
    claim: z.object({ path: z.string().min(1), claimedAt: iso, content: z.string().min(1), pending: z.boolean().optional() }).optional(),
    lakeReset: z.object({ detectedAt: iso }).optional(),
  });
const recheckStep = <C extends z.ZodType>(c: C) =>
  z.union([
    z.object({ begin: z.object({ hour: iso, file: openFile, apiCount: count }) }),
    z.object({ cursor: c }),
    z.object({ done: z.object({ configId: z.string(), writtenAt: iso }) }),
  ]);

export function encodeCheckpoint(c: Checkpoint): string {
  return JSON.stringify(c);
}

/**
 * Parses a stored checkpoint; anything else is refused rather than guessed at, with `CheckpointCorrupt` (the store
 * that read it says where it lies).
 */
export function decodeCheckpoint(text: string): Checkpoint {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw corrupt('checkpoint is not JSON');
  }
  const v2 = schemaOf(2, cursor).safeParse(data);
  if (v2.success) return v2.data as Checkpoint;
  const v1 = schemaOf(1, cursorV1).safeParse(data);
  if (v1.success) return upgrade(v1.data);
  const first = ((data as { version?: unknown })?.version === 1 ? v1 : v2).error!.issues[0]!;
  throw corrupt(`checkpoint is not valid: ${first.path.join('.') || '(root)'}: ${first.message}`);
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

/** What decodeCheckpoint refused, as the store that read it reports it: where it lies, and what an operator can do. */
export function unreadableAt(error: unknown, path: string): unknown {
  if (!hasCode(error, 'CheckpointCorrupt')) return error;
  return new ExportError('CheckpointCorrupt', `${error.message} (${path}); restore it or delete it to start over`, { kind: 'permanent', cause: error });
}

const corrupt = (message: string) => new ExportError('CheckpointCorrupt', message, { kind: 'permanent' });
