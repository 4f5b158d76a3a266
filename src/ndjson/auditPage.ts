import { ExportError } from '../errors';
import { whereOf, type AuditAnswer, type AuditSource, type FetchOptions, type PageRequest } from '../ports/auditSource';
import { idKeyOf } from './idToken';
import { scanPage, type EventText, type ScannedPage } from './pageScanner';
import { PageSyntaxError } from './tokenReader';

/**
 * One answer of the audit search as NDJSON lines cut from the API's own bytes (every field unchanged, compact,
 * U+2028/U+2029 escaped): the exporter never re-serializes an event.
 */
export interface AuditPage extends Omit<ScannedPage, 'compactHits' | 'describe'> {
  /** Event i's "id" and time as text, for messages; throws once the page is released. */
  describe(i: number): EventText;
  /** Lets the source reuse the page's memory once its lines are copied out: nothing may read the page after. */
  release(): void;
}

/**
 * The NDJSON step: asks `source` for one page and cuts its answer into lines. An answer that is not a valid page is
 * an InvalidPage error, which the source asks again for, as it does a request that failed.
 */
export function readPage(source: AuditSource, request: PageRequest, options: FetchOptions): Promise<AuditPage> {
  return source.fetchAnswer(request, (answer) => pageOf(answer, request), options);
}

function pageOf(answer: AuditAnswer, request: PageRequest): AuditPage {
  let scanned: ScannedPage;
  try {
    // One pass over the bytes validates the page and cuts out each event's line, unchanged: no parse, no re-stringify.
    scanned = scanPage(answer.body, answer.timeKey);
  } catch (error) {
    // Nothing reads an answer that is not a page: its buffer goes back for the answer asked for next.
    answer.release?.();
    if (!(error instanceof PageSyntaxError)) throw error;
    throw new ExportError('InvalidPage', `the audit API returned an invalid page at ${whereOf(request)}: ${error.message}`, { kind: 'retryable' });
  }
  const { count, ndjson, lineEnds, eventTimes, idStarts, idEnds } = scanned;
  let released = false;
  return {
    count,
    ndjson,
    lineEnds,
    eventTimes,
    idStarts,
    idEnds,
    describe: (i) => {
      // Its lines are in the answer's buffer, which the source hands to another answer once released.
      if (released) throw new Error(`event ${i} of a released page was described: its memory may hold another page by now`);
      return scanned.describe(i);
    },
    release: () => {
      if (released) return; // twice would let two later answers share one buffer
      released = true;
      answer.release?.();
    },
  };
}

/**
 * Event i's id as a string key, by value: its JSON token's bytes in canonical spelling, one char per byte, so two
 * spellings of one string ("a\/b", "a/b") are one key (see idToken.ts).
 */
export function idOf(page: AuditPage, i: number): string {
  return idKeyOf(page.ndjson, page.idStarts[i]!, page.idEnds[i]!);
}
