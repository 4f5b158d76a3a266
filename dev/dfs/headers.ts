// Translation between dfs request headers and Blob API headers.
import type { IncomingHttpHeaders } from 'node:http';
import { DfsError, headerText } from './errors';

type Headers = Record<string, string | undefined>;

/** dfs x-ms-content-* → Blob x-ms-blob-content-*. */
const CONTENT: [dfs: string, blob: string, property: string][] = [
  ['x-ms-content-type', 'x-ms-blob-content-type', 'content-type'],
  ['x-ms-content-encoding', 'x-ms-blob-content-encoding', 'content-encoding'],
  ['x-ms-content-language', 'x-ms-blob-content-language', 'content-language'],
  ['x-ms-content-disposition', 'x-ms-blob-content-disposition', 'content-disposition'],
  ['x-ms-cache-control', 'x-ms-blob-cache-control', 'cache-control'],
];

export function contentHeaders(req: IncomingHttpHeaders): Headers {
  const out: Headers = {};
  for (const [dfs, blob] of CONTENT) out[blob] = headerText(req[dfs]);
  out['x-ms-blob-content-md5'] = headerText(req['x-ms-content-md5']);
  return out;
}

/** Content headers a flush keeps: Put Block List would otherwise reset them. The request's win. */
export function carriedContentHeaders(props: IncomingHttpHeaders, req: IncomingHttpHeaders): Headers {
  const out: Headers = {};
  for (const [dfs, blob, property] of CONTENT) out[blob] = headerText(req[dfs]) ?? headerText(props[property]);
  out['x-ms-blob-content-md5'] = headerText(req['x-ms-content-md5']); // the old MD5 no longer matches
  return out;
}

/** Metadata a flush keeps (Put Block List replaces it). */
export function carriedMetadata(props: IncomingHttpHeaders): Headers {
  const out: Headers = {};
  for (const [name, value] of Object.entries(props)) if (name.startsWith('x-ms-meta-')) out[name] = headerText(value);
  return out;
}

/** x-ms-properties "n1=base64,n2=base64" → x-ms-meta-n1 … */
export function metadataFromProperties(req: IncomingHttpHeaders): Headers {
  const out: Headers = {};
  const raw = headerText(req['x-ms-properties']);
  if (!raw) return out;
  for (const pair of raw.split(',')) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq).trim();
    if (eq <= 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new DfsError(400, 'InvalidHeaderValue');
    out[`x-ms-meta-${name}`] = Buffer.from(pair.slice(eq + 1).trim(), 'base64').toString('utf8');
  }
  return out;
}

/** Conditional and lease headers, forwarded so Azurite evaluates them. */
export function conditionHeaders(req: IncomingHttpHeaders): Headers {
  const out: Headers = {};
  for (const name of ['if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since', 'x-ms-lease-id']) {
    out[name] = headerText(req[name]);
  }
  return out;
}

/** ETag and Last-Modified from an Azurite answer. */
export function versionHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers.etag) out.etag = headers.etag;
  if (headers['last-modified']) out['last-modified'] = headers['last-modified'];
  return out;
}
