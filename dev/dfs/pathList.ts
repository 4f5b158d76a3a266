// Path - List (GET /{fs}?resource=filesystem): List Blobs with the caller's credentials, as dfs JSON.
// Implicit parent directories (no hdi_isfolder blob) show up only in non-recursive listings.
import type { DfsContext } from './context';
import { DfsError } from './errors';
import { listBlobs } from './listing';
import { booleanParam } from './params';
import { sendJsonBody } from './reply';

interface PathEntry {
  name: string;
  isDirectory?: 'true';
  contentLength: string;
  lastModified: string;
  etag: string;
}

export async function pathList(ctx: DfsContext): Promise<void> {
  const recursive = booleanParam(ctx.url, 'recursive');
  const directory = (ctx.url.searchParams.get('directory') ?? '').replace(/^\/+|\/+$/g, '');
  const maxRaw = ctx.url.searchParams.get('maxResults');
  const maxResults = maxRaw ? Number(maxRaw) : undefined;
  if (maxResults !== undefined && !(Number.isInteger(maxResults) && maxResults > 0)) throw new DfsError(400, 'InvalidQueryParameterValue');

  const page = await listBlobs(ctx, {
    prefix: directory ? `${directory}/` : '',
    delimiter: recursive ? undefined : '/',
    maxResults,
    marker: ctx.url.searchParams.get('continuation') ?? undefined,
    auth: ctx.auth,
  });
  const entries = new Map<string, PathEntry>();
  for (const blob of page.blobs) {
    entries.set(blob.name, {
      name: blob.name,
      ...(blob.isFolder ? { isDirectory: 'true' as const } : {}),
      contentLength: String(blob.contentLength),
      lastModified: blob.lastModified,
      etag: blob.etag,
    });
  }
  for (const prefix of page.prefixes) {
    const name = prefix.replace(/\/$/, '');
    if (!entries.has(name)) entries.set(name, { name, isDirectory: 'true', contentLength: '0', lastModified: '', etag: '' });
  }
  const paths = [...entries.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  sendJsonBody(ctx.res, 200, ctx.reply, { paths }, page.nextMarker ? { 'x-ms-continuation': page.nextMarker } : {});
}
