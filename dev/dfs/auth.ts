// Works out how the caller authenticated, so the gateway's writes to Azurite carry the same
// credentials and Azurite (not the gateway) decides what the caller may do.
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { DfsError, headerText } from './errors';
import { hmac, stringToSign } from './sharedKey';

/** 'key' = the caller proved it holds the account key, so the gateway may act with it. */
export type CallerAuth =
  | { kind: 'sas'; params: [string, string][] }
  | { kind: 'bearer'; authorization: string }
  | { kind: 'key' }
  | { kind: 'anonymous' };

/** Query parameters that belong to a service, account or user delegation SAS. */
const SAS_PARAMS = new Set([
  'sv', 'ss', 'srt', 'sp', 'se', 'st', 'spr', 'sip', 'si', 'sr', 'sig',
  'skoid', 'sktid', 'skt', 'ske', 'sks', 'skv', 'skdutid', 'sduoid',
  'saoid', 'suoid', 'scid', 'sdd', 'ses', 'rscc', 'rscd', 'rsce', 'rscl', 'rsct',
]);

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

export interface Account {
  name: string;
  key: string;
}

export function callerAuth(req: IncomingMessage, url: URL, account: Account): CallerAuth {
  const authorization = headerText(req.headers.authorization);
  if (authorization?.startsWith('SharedKey ')) {
    verifySharedKey(req, url, account, authorization);
    return { kind: 'key' };
  }
  if (authorization?.startsWith('Bearer ')) return { kind: 'bearer', authorization };
  const params = [...url.searchParams].filter(([name]) => SAS_PARAMS.has(name));
  return params.length > 0 ? { kind: 'sas', params } : { kind: 'anonymous' };
}

function verifySharedKey(req: IncomingMessage, url: URL, account: Account, authorization: string): void {
  const [name, signature] = authorization.slice('SharedKey '.length).split(':');
  const date = Date.parse(headerText(req.headers['x-ms-date']) ?? headerText(req.headers.date) ?? '');
  const fresh = Number.isFinite(date) && Math.abs(Date.now() - date) <= MAX_CLOCK_SKEW_MS;
  const header = (h: string) => headerText(req.headers[h]);
  const msNames = Object.keys(req.headers).filter((h) => h.startsWith('x-ms-'));
  const rawQuery = url.search.replace(/^\?/, '');
  // Azurite sorts x-ms-* names with localeCompare, the SDK by code point; accept either.
  const candidates = [undefined, (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)].map((compare) =>
    hmac(account.key, stringToSign(req.method ?? 'GET', account.name, url.pathname, rawQuery, header, msNames, compare)),
  );
  const ok = name === account.name && fresh && signature !== undefined && candidates.some((c) => same(c, signature));
  if (!ok) throw new DfsError(403, 'AuthenticationFailed');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
