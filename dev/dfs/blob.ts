// Blob API building blocks shared by the dfs operations.
import type { IncomingHttpHeaders } from 'node:http';
import { callBlob, type BlobCall, type BlobResult } from './azurite';
import type { DfsContext } from './context';
import { fromAzurite, headerText } from './errors';
import type { BlockEntry } from './flushPlan';

/** Calls Azurite and throws the dfs translation of any error answer. */
export async function blobOk(ctx: DfsContext, call: BlobCall): Promise<BlobResult> {
  const result = await callBlob(ctx.target, call);
  if (result.status >= 300) throw fromAzurite(result.status, result.headers, result.body);
  return result;
}

export interface BlockList {
  committed: BlockEntry[];
  uncommitted: BlockEntry[];
  blobLength: number;
}

/** Bookkeeping read with the account key. */
export async function getBlockList(ctx: DfsContext): Promise<BlockList> {
  const result = await blobOk(ctx, {
    method: 'GET',
    path: ctx.blobPath,
    query: { comp: 'blocklist', blocklisttype: 'all' },
    auth: { kind: 'key' },
  });
  const xml = result.body.toString('utf8');
  return {
    committed: blocks(section(xml, 'CommittedBlocks')),
    uncommitted: blocks(section(xml, 'UncommittedBlocks')),
    blobLength: Number(headerText(result.headers['x-ms-blob-content-length']) ?? 0),
  };
}

/** Bookkeeping read with the account key: the blob's properties and metadata. */
export async function getProperties(ctx: DfsContext): Promise<IncomingHttpHeaders> {
  return (await blobOk(ctx, { method: 'HEAD', path: ctx.blobPath, auth: { kind: 'key' } })).headers;
}

export function blockListXml(committed: string[], uncommitted: string[]): Buffer {
  const items = [
    ...committed.map((id) => `<Committed>${id}</Committed>`),
    ...uncommitted.map((id) => `<Uncommitted>${id}</Uncommitted>`),
  ];
  return Buffer.from(`<?xml version="1.0" encoding="utf-8"?><BlockList>${items.join('')}</BlockList>`, 'utf8');
}

function section(xml: string, tag: string): string {
  return new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml)?.[1] ?? '';
}

function blocks(xml: string): BlockEntry[] {
  const out: BlockEntry[] = [];
  for (const m of xml.matchAll(/<Block>\s*<Name>([^<]*)<\/Name>\s*<Size>(\d+)<\/Size>\s*<\/Block>/g)) {
    out.push({ name: m[1]!, size: Number(m[2]) });
  }
  return out;
}
