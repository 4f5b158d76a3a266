// List Blobs, parsed just enough for directory handling and Path - List.
import type { CallerAuth } from './auth';
import { blobOk } from './blob';
import type { DfsContext } from './context';

interface ListedBlob {
  name: string;
  contentLength: number;
  lastModified: string;
  etag: string;
  isFolder: boolean;
}

export interface BlobPage {
  blobs: ListedBlob[];
  prefixes: string[];
  nextMarker?: string;
}

export interface ListOptions {
  prefix: string;
  delimiter?: string;
  maxResults?: number;
  marker?: string;
  auth: CallerAuth;
}

export async function listBlobs(ctx: DfsContext, options: ListOptions): Promise<BlobPage> {
  const query: Record<string, string> = { restype: 'container', comp: 'list', include: 'metadata' };
  if (options.prefix) query.prefix = options.prefix;
  if (options.delimiter) query.delimiter = options.delimiter;
  if (options.maxResults) query.maxresults = String(options.maxResults);
  if (options.marker) query.marker = options.marker;
  const result = await blobOk(ctx, { method: 'GET', path: ctx.containerPath, query, auth: options.auth });
  const xml = result.body.toString('utf8');
  const blobs = [...xml.matchAll(/<Blob>([\s\S]*?)<\/Blob>/g)].map(([, item]) => ({
    name: unescapeXml(tag(item!, 'Name') ?? ''),
    contentLength: Number(tag(item!, 'Content-Length') ?? 0),
    lastModified: tag(item!, 'Last-Modified') ?? '',
    etag: unescapeXml(tag(item!, 'Etag') ?? ''),
    isFolder: (tag(item!, 'hdi_isfolder') ?? '').toLowerCase() === 'true',
  }));
  const prefixes = [...xml.matchAll(/<BlobPrefix>([\s\S]*?)<\/BlobPrefix>/g)].map(([, item]) => unescapeXml(tag(item!, 'Name') ?? ''));
  const nextMarker = tag(xml.slice(xml.lastIndexOf('</Blobs>')), 'NextMarker') || undefined;
  return { blobs, prefixes, nextMarker };
}

function tag(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}(?: [^>]*)?>([^<]*)</${name}>`).exec(xml)?.[1];
}

function unescapeXml(text: string): string {
  return text.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-fA-F]+);/g, (_, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (named[e]) return named[e]!;
    return String.fromCodePoint(e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
  });
}
