// The JSON around a page's hits, per kind. UAM (this project's assumption): {"count":N,"hits":[...]}.
// Legacy, as Immuta documents its V1 search: {"hits":[...],"count":N,"facets":{},"minDate":…,"maxDate":…},
// the dates echoed as the client sent them. noCount drops "count" from either.
import type { AuditKind } from './types';

export interface Envelope {
  head: Buffer;
  tail: Buffer;
}

export function envelope(kind: AuditKind, count: number | undefined, asked: { minDate: string; maxDate: string }): Envelope {
  if (kind === 'immuta-uam') {
    return { head: Buffer.from(count === undefined ? '{"hits":[' : `{"count":${count},"hits":[`), tail: Buffer.from(']}') };
  }
  const counted = count === undefined ? '' : `,"count":${count}`;
  const dates = `"minDate":${JSON.stringify(asked.minDate)},"maxDate":${JSON.stringify(asked.maxDate)}`;
  return { head: Buffer.from('{"hits":['), tail: Buffer.from(`]${counted},"facets":{},${dates}}`) };
}
