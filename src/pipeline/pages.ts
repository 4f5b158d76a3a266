import type { AuditPage, AuditSource } from '../ports/auditSource';
import type { Window } from '../window/window';
import { linkedSignal } from '../abort/linkedSignal';
import { validatePage } from './validatePage';

/**
 * The pages of one window from `offset` on, each checked before it is handed out. The next page is requested
 * as soon as the current one arrives, so the API's latency overlaps the lake writes; a short page ends the
 * window (and the request made ahead of it is abandoned).
 */
export async function* pagesOf(
  source: AuditSource,
  window: Window,
  offset: number,
  size: number,
  abortSignal: AbortSignal,
): AsyncGenerator<{ page: AuditPage; offset: number }> {
  const fetch = (at: number) => {
    const linked = linkedSignal(abortSignal);
    const request = { window, offset: at, size };
    const promise = source.fetchPage(request, { abortSignal: linked.signal }).then((page) => (validatePage(page, request), page));
    promise.then(linked.dispose, linked.dispose); // also keeps an abandoned prefetch's failure from crashing the process
    return { promise, cancel: () => linked.abort() };
  };
  let current = fetch(offset);
  try {
    for (;;) {
      const page = await current.promise;
      const count = page.lineEnds.length;
      const full = count === size;
      if (full) current = fetch(offset + size);
      yield { page, offset };
      if (!full) return;
      offset += count;
    }
  } finally {
    current.cancel();
  }
}
