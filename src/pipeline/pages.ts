import type { AuditPage, AuditSource } from '../ports/auditSource';
import type { Window } from '../window/window';
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
    const controller = new AbortController();
    const signal = AbortSignal.any([abortSignal, controller.signal]);
    const request = { window, offset: at, size };
    const promise = source.fetchPage(request, { abortSignal: signal }).then((page) => (validatePage(page, request), page));
    promise.catch(() => undefined); // observed when awaited; a prefetch that is abandoned must not crash the process
    return { promise, cancel: () => controller.abort() };
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
