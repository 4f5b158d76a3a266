import { advance } from '../pages/advance';
import type { Position } from '../pages/position';
import { NEW } from '../pages/sortAnswer';
import type { WindowPage } from '../pages/windowPages';
import type { Window } from '../time/window';
import type { BatchWriter } from './batchWriter';

/**
 * Copies an answer's new events into batches, run by run (events already written and copies are left out). When a
 * batch fills part-way through, `moveAt` hands it over with the position reached at that event, so a later run
 * resumes exactly there. Past `outOfTime` no new batch is begun: the answer stops at the batch handed over, and
 * false says so (small batches of large events are many batches to an answer).
 */
export async function writeAnswer(writer: BatchWriter, window: Window, item: WindowPage, moveAt: (position: Position) => void, outOfTime?: () => boolean): Promise<boolean> {
  const { page, sorted, position, request } = item;
  const { kinds, end } = sorted;
  let ordinal = position.written;
  for (let i = 0; i < end; ) {
    if (kinds[i] !== NEW) {
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
