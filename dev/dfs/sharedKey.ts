// Azure's SharedKey string-to-sign (Blob/dfs, version 2009-09-19 and later), used both to verify a
// caller's signature and to sign the gateway's own requests to Azurite.
import { createHmac } from 'node:crypto';

export type HeaderLookup = (name: string) => string | undefined;

const STANDARD = [
  'content-encoding',
  'content-language',
  'content-length',
  'content-md5',
  'content-type',
  'date',
  'if-modified-since',
  'if-match',
  'if-none-match',
  'if-unmodified-since',
  'range',
];

/**
 * @param path the URL path as sent (path-style, so it starts with /account)
 * @param rawQuery the query string without '?'
 * @param msHeaderNames the lower-case x-ms-* header names present
 */
export function stringToSign(
  method: string,
  account: string,
  path: string,
  rawQuery: string,
  header: HeaderLookup,
  msHeaderNames: string[],
  compare: (a: string, b: string) => number = (a, b) => a.localeCompare(b),
): string {
  const standard = STANDARD.map((name) => {
    const value = header(name) ?? '';
    return name === 'content-length' && value === '0' ? '' : value;
  });
  const msHeaders = [...new Set(msHeaderNames)]
    .sort(compare)
    .map((name) => `${name}:${(header(name) ?? '').trimStart()}\n`)
    .join('');
  return [method.toUpperCase(), ...standard].join('\n') + '\n' + msHeaders + canonicalResource(account, path, rawQuery);
}

function canonicalResource(account: string, path: string, rawQuery: string): string {
  const params = new Map<string, string>();
  for (const part of rawQuery.split('&')) {
    const eq = part.indexOf('=');
    // Same filter as the SDK and Azurite: exactly one '=' and a non-empty value.
    if (eq <= 0 || eq !== part.lastIndexOf('=') || eq === part.length - 1) continue;
    params.set(part.slice(0, eq).toLowerCase(), decodeURIComponent(part.slice(eq + 1).replace(/\+/g, '%20')));
  }
  const keys = [...params.keys()].sort();
  return `/${account}${path || '/'}` + keys.map((k) => `\n${k}:${params.get(k)}`).join('');
}

export function hmac(key: string, text: string): string {
  return createHmac('sha256', Buffer.from(key, 'base64')).update(text, 'utf8').digest('base64');
}
