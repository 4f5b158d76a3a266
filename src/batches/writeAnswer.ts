import { advance } from '../pages/advance';
import type { Position } from '../pages/position';
import { NEW, QUARANTINE, refuseUnplaceable } from '../pages/sortAnswer';
import { unplaceable, type Unplaceable } from '../pages/unplaceable';
import type { WindowPage } from '../pages/windowPages';
import type { Window } from '../time/window';
import type { BatchWriter, QuarantineWrite } from './batchWriter';

/** What becomes of an event that cannot be placed (EXPORT_INVALID_EVENTS), and who hears of each one quarantined. */
export interface InvalidEvents {
  mode: 'quarantine' | 'stop';
  onQuarantined?: (event: Unplaceable & QuarantineWrite) => void;
}

/**
 * Copies an answer's new events into batches, run by run (events already written and copies are left out). When a
 * batch fills part-way through, `moveAt` hands it over with the position reached at that event, so a later run
 * resumes exactly there. An event that cannot be placed goes to quarantine (or, with `stop`, the answer is refused).
 * Past `outOfTime` no new batch is begun: the answer stops at the batch handed over, and false says so (small batches
 * of large events are many batches to an answer).
 */
export async function writeAnswer(
  writer: BatchWriter,
  window: Window,
  item: WindowPage,
  moveAt: (position: Position) => void,
  options: { invalid?: InvalidEvents; outOfTime?: () => boolean } = {},
): Promise<boolean> {
  const { invalid = { mode: 'quarantine' }, outOfTime } = options;
  const { page, sorted, position, request } = item;
  const { kinds, end } = sorted;
  let ordinal = position.written;
  for (let i = 0; i < end; ) {
    if (kinds[i] !== NEW) {
      if (kinds[i] === QUARANTINE) await quarantine(writer, window, item, i, invalid);
      i++;
      continue;
    }
    let run = i + 1;
    while (run < end && kinds[run] === NEW) run++;
    while (i < run) {
      const taken = await writer.add(window, ordinal, page, i, run);
      i += taken;
      ordinal += taken;
      if (i < run) {
        // The batch is full (the next line does not fit): hand it over; the next add() opens another.
        moveAt(advance(position, page, sorted, i, request));
        if (outOfTime?.()) return false;
      }
    }
  }
  return true;
}

async function quarantine(writer: BatchWriter, window: Window, item: WindowPage, i: number, invalid: InvalidEvents): Promise<void> {
  if (invalid.mode === 'stop') refuseUnplaceable(item.page, item.request, item.sorted);
  const why = unplaceable(item.page, item.request, i);
  const written = await writer.quarantine(window, item.page, i, why.reason);
  if (written) invalid.onQuarantined?.({ ...why, ...written });
}
