import { STATUS_UPDATE_TIMEOUT_MS } from '../config/defaults';
import type { StatusStore } from './statusStore';
import { emptyStatus, type StatusRecord } from './statusRecord';

/**
 * Read, change and write the status record. Best effort: status reports, it does not coordinate, so a failure
 * is handed to `onFailure` and never hides the result of the run or check it describes.
 */
export async function updateStatus(
  store: StatusStore,
  change: (previous: StatusRecord) => StatusRecord,
  onFailure: (error: unknown) => void,
): Promise<void> {
  const abortSignal = AbortSignal.timeout(STATUS_UPDATE_TIMEOUT_MS);
  try {
    const previous = (await store.load({ abortSignal })) ?? emptyStatus();
    await store.save(change(previous), { abortSignal });
  } catch (error) {
    onFailure(error);
  }
}
