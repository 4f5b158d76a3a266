import type { Checkpoint, Cursor, Intent } from '../checkpoint/checkpoint';
import { hourFilePath } from '../lake/layout';
import { hourOf, type Window } from '../window/window';

export interface BatchPlan {
  window: Window;
  bytes: number;
  events: number;
  /** Where the export stands once the batch is in. */
  next: { watermark: string; cursor?: Cursor };
}

/**
 * Chooses where a batch goes: appended to the hour's open file, or to a new file when the hour changes
 * or the open file would pass `maxBytes` (then the next part number).
 */
export function planIntent(checkpoint: Checkpoint, batch: BatchPlan, root: string, maxBytes: number): Intent {
  const hour = hourOf(batch.window.start).toISOString();
  const open = checkpoint.file;
  let part = 0;
  let from = 0;
  let create = true;
  if (open && open.hour === hour) {
    if (open.length > 0 && open.length + batch.bytes > maxBytes) {
      part = open.part + 1;
    } else {
      part = open.part;
      from = open.length;
      create = false;
    }
  }
  const to = from + batch.bytes;
  return {
    file: { path: hourFilePath(root, new Date(hour), part), hour, part, length: to },
    create,
    from,
    to,
    events: batch.events,
    next: batch.next,
  };
}
