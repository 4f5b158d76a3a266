import { badParameter } from './errors';

/** Key Vault pages lists at 25 items at most; `maxresults` may ask for fewer. */
const MAX_PAGE_SIZE = 25;

/**
 * One page of a list plus the `nextLink` the SDK follows verbatim. The link points back at this vault and
 * carries a `$skiptoken` like Azure's (an opaque base64 JSON marker; here simply the next offset).
 */
export function page<T>(items: T[], url: URL, vaultUrl: string): { value: T[]; nextLink: string | null } {
  const size = pageSize(url.searchParams.get('maxresults'));
  const offset = skipOffset(url.searchParams.get('$skiptoken'));
  const value = items.slice(offset, offset + size);
  const next = offset + size;
  if (next >= items.length) return { value, nextLink: null };
  const token = Buffer.from(JSON.stringify({ NextMarker: String(next) })).toString('base64url');
  const apiVersion = url.searchParams.get('api-version') ?? '';
  const nextLink =
    `${vaultUrl}${url.pathname}?api-version=${encodeURIComponent(apiVersion)}` +
    `&$skiptoken=${token}&maxresults=${size}`;
  return { value, nextLink };
}

function pageSize(raw: string | null): number {
  if (raw === null || raw === '') return MAX_PAGE_SIZE;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw badParameter(`Invalid value for maxresults: ${raw}. It must be an integer between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return n;
}

function skipOffset(raw: string | null): number {
  if (!raw) return 0;
  try {
    const n = Number(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')).NextMarker);
    if (Number.isInteger(n) && n >= 0) return n;
  } catch {
    // fall through
  }
  throw badParameter('The $skiptoken is not valid.');
}
