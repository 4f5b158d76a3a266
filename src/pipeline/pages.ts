import type { AuditPage, AuditSource } from '../ports/auditSource';
import type { Window } from '../window/window';
import { linkedSignal } from '../abort/linkedSignal';
import { validatePage } from './validatePage';

/** Pages requested ahead of the one being written: the API's latency overlaps the lake writes and the scan. */
export const PAGES_AHEAD = 3;

/**
 * The pages of one window from `offset` on, each checked before it is handed out, in order. Up to `ahead`
 * further pages are requested while one is used; a short page ends the window (and the requests made ahead of
 * it are abandoned).
 */
export async function* pagesOf(
  source: AuditSource,
  window: Window,
  offset: number,
  size: number,
  abortSignal: AbortSignal,
  ahead = PAGES_AHEAD,
): AsyncGenerator<{ page: AuditPage; offset: number }> {
  const fetch = (at: number) => {
    const linked = linkedSignal(abortSignal);
    const request = { window, offset: at, size };
    const promise = source.fetchPage(request, { abortSignal: linked.signal }).then((page) => (validatePage(page, request), page));
    promise.then(linked.dispose, linked.dispose); // also keeps an abandoned request's failure from crashing the process
    return { promise, cancel: () => linked.abort() };
  };
  const requested = [fetch(offset)];
  let next = offset + size;
  try {
    for (;;) {
      const page = await requested[0]!.promise;
      requested.shift();
      const full = page.lineEnds.length === size;
      // Keep `ahead` requests out while pages come back full; the first short page ends the window.
      while (full && requested.length < ahead) (requested.push(fetch(next)), (next += size));
      yield { page, offset };
      if (!full) return;
      offset += size;
    }
  } finally {
    for (const r of requested) r.cancel();
  }
}
