import type { Checkpoint, Cursor, Intent, OpenFile } from '../checkpoint/checkpoint';
import type { FileStart } from '../delivery/deliver';
import { hourFilePath } from '../lake/layout';
import { hourOf, type Window } from '../time/window';

/** Where a batch goes, fixed before its first byte is appended. */
export interface BatchStart extends FileStart {
  window: Window;
  file: Omit<OpenFile, 'length'>;
  /** The file does not exist yet (or is an empty leftover to claim). */
  create: boolean;
  /** The file's committed length: the batch's first byte goes here. */
  from: number;
  /** The most bytes the batch may take (its first line goes in whatever its size). */
  limit: number;
}

export interface BatchLimits {
  root: string;
  fileMaxBytes: number;
  batchMaxBytes: number;
}

/**
 * The hour's open file (a re-check's new part, for the hour it re-checks) at its committed length, or a new file
 * when the hour changes or the open file has no
 * room for the batch's first line (then the next part number). A batch never takes a file past its size limit,
 * unless one event alone is larger. Decided from the checkpoint alone, so a repeated batch lands where it did.
 */
export function planBatch(checkpoint: Checkpoint, window: Window, firstLineBytes: number, limits: BatchLimits): BatchStart {
  const hour = hourOf(window.start).toISOString();
  // A re-check appends to its own new part of a closed hour; everything else to the export's open file.
  const open = checkpoint.recheck?.hour === hour ? checkpoint.recheck.file : checkpoint.file;
  let part = 0;
  let from = 0;
  if (open && open.hour === hour) {
    part = open.part;
    from = open.length;
    if (from > 0 && from + firstLineBytes > limits.fileMaxBytes) {
      part += 1;
      from = 0;
    }
  }
  return {
    window,
    file: { path: hourFilePath(limits.root, new Date(hour), part), hour, part },
    create: from === 0,
    from,
    limit: Math.max(0, Math.min(limits.batchMaxBytes, limits.fileMaxBytes - from)),
  };
}

/** The intent of a batch that took `bytes` and `events` from its start; `next` is where the export then stands. */
export function intentOf(start: BatchStart, bytes: number, events: number, next: { watermark: string; cursor?: Cursor }): Intent {
  const to = start.from + bytes;
  return { file: { ...start.file, length: to }, create: start.create, from: start.from, to, events, next };
}
