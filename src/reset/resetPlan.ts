import { hourFilePath } from '../lake/layout';
import { HOUR_MS, hourOf } from '../time/window';
import type { Checkpoint, Cursor, Noticed, OpenFile } from '../checkpoint/checkpoint';

/** What a reset writes, and how it relates to what it replaces. */
export interface ResetPlan {
  next: Checkpoint;
  /**
   * none: nothing was stored; ahead: no event from --start on can be in the lake by the old checkpoint's account
   * (a pending write counted as done); back: some may be.
   */
  direction: 'none' | 'ahead' | 'back';
  /** Where the old checkpoint stood: its watermark, or the last written instant of a window part-way done. */
  stood?: string;
  /** Noticed hours that begin before --start stay recorded (no run exports them whole again); later ones go. */
  kept: Noticed[];
  dropped: Noticed[];
}

/** The checkpoint that makes the next run start at `start` in place of `old`: a watermark, and a file only to go on with. */
export function planReset(old: Checkpoint | undefined, start: Date, root: string): ResetPlan {
  const watermark = start.toISOString();
  if (!old) return { next: { version: 2, origin: watermark, watermark }, direction: 'none', kept: [], dropped: [] };
  const direction = isAhead(old, start.getTime()) ? 'ahead' : 'back';
  const file = direction === 'ahead' ? fileToGoOn(old, start, root) : undefined;
  const noticed = old.noticed ?? [];
  const kept = noticed.filter((n) => Date.parse(n.hour) < start.getTime());
  const dropped = noticed.filter((n) => Date.parse(n.hour) >= start.getTime());
  // The manifests' chain goes on (and what is due is still written); the open hour's record only with its file.
  // Skipping ahead inside the open hour: its count can no longer be compared with what it holds (no re-check).
  const openHour = file && old.openHour?.hour === file.hour ? { ...old.openHour, skipped: true } : undefined;
  // Hours wholly before --start stay re-checkable.
  const recent = (old.recent ?? []).filter((r) => Date.parse(r.record.hour) + HOUR_MS <= start.getTime());
  return {
    next: {
      version: 2, origin: watermark, watermark,
      ...(file ? { file } : {}),
      ...(kept.length > 0 ? { noticed: kept } : {}),
      ...(old.acknowledged?.length ? { acknowledged: old.acknowledged } : {}),
      ...(old.chain ? { chain: old.chain } : {}),
      ...(old.pendingManifests?.length ? { pendingManifests: old.pendingManifests } : {}),
      ...(openHour ? { openHour } : {}),
      ...(recent.length ? { recent } : {}),
      // The claim on ADLS_PATH stays this configuration's; a lake found reset is answered by this very reset.
      ...(old.claim ? { claim: old.claim } : {}),
    },
    direction,
    stood: old.cursor?.at ?? old.watermark,
    kept,
    dropped,
  };
}

type Position = { watermark: string; cursor?: Cursor };

/** Nothing at or after `start` is written: past the last written instant, or at/after a watermark with no window open. */
function isAhead(c: Checkpoint, start: number): boolean {
  const positions: Position[] = c.intent ? [c, c.intent.next] : [c];
  return positions.every((p) => (p.cursor ? start > Date.parse(p.cursor.at) : start >= Date.parse(p.watermark)));
}

/**
 * Moving ahead within the open file's hour, the next run goes on filling that file at its committed length, as
 * it would have (a new first part would collide with it). With a write pending that length is unknown, so it
 * starts the hour's next part. Otherwise no file: the next run creates the hour's first part, and stops if one
 * exists rather than write into it.
 */
function fileToGoOn(c: Checkpoint, start: Date, root: string): OpenFile | undefined {
  const hour = hourOf(start).toISOString();
  const known = [c.file, c.intent?.file].filter((f): f is OpenFile => f?.hour === hour);
  if (known.length === 0) return undefined;
  if (!c.intent) return c.file;
  const part = Math.max(...known.map((f) => f.part)) + 1;
  return { path: hourFilePath(root, new Date(hour), part), hour, part, length: 0 };
}
