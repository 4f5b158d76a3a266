// Talking to the sample audit API over loopback HTTP, as a client would: raw answers, parsed pages, admin calls.
import type { AuditApi } from '../../dev/auditApi';

export interface Answer { status: number; headers: Headers; text: string }

export type Query = Record<string, string | number>;

function queryString(query: Query): string {
  return new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

/** GET /audit with exactly this Authorization header (none if null). */
export async function getAudit(api: Pick<AuditApi, 'url'>, query: Query, authorization: string | null): Promise<Answer> {
  const res = await fetch(`${api.url}/audit?${queryString(query)}`, { headers: authorization === null ? {} : { authorization } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A 200 page's JSON text and its parsed body; throws on any other status. */
export async function getPage(api: Pick<AuditApi, 'url'>, query: Query, authorization: string): Promise<{ text: string; body: any }> {
  const a = await getAudit(api, query, authorization);
  if (a.status !== 200) throw new Error(`GET /audit answered ${a.status}: ${a.text}`);
  return { text: a.text, body: JSON.parse(a.text) };
}

/** Pages by offset until a page comes back short of `size`, as a naive client does; at most maxPages requests. */
export async function pageByOffset(api: Pick<AuditApi, 'url'>, range: Query, size: number, authorization: string, maxPages = 1000): Promise<{ hits: string[]; pages: string[][] }> {
  const pages: string[][] = [];
  for (let offset = 0, n = 0; n < maxPages; n++) {
    const { body } = await getPage(api, { ...range, offset, size }, authorization);
    const hits = (body.hits as unknown[]).map((h) => JSON.stringify(h));
    pages.push(hits);
    offset += hits.length;
    if (hits.length < size) break;
  }
  return { hits: pages.flat(), pages };
}

export async function adminCall(api: Pick<AuditApi, 'url'>, method: string, path: string, json?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api.url}/_admin/${path}`, {
    method,
    headers: json === undefined ? {} : { 'content-type': 'application/json' },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return { status: res.status, body: await res.json() };
}

/** POST /bim/apikey/authenticate with this body (a string is sent as is). */
export async function exchangeKey(api: Pick<AuditApi, 'url'>, body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api.url}/bim/apikey/authenticate`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

export const bearer = (key: string) => `Bearer ${key}`;

/** Generated events carry their index in the id's first 8 hex digits. */
export const indexOf = (id: string) => parseInt(id.slice(0, 8), 16);
