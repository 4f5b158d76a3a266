// Path - Create (resource=file|directory): an empty block blob; directories carry hdi_isfolder=true.
import { blobOk, blockListXml, getBlockList } from './blob';
import type { DfsContext } from './context';
import { DfsError, headerText } from './errors';
import { conditionHeaders, contentHeaders, metadataFromProperties, versionHeaders } from './headers';
import { sendEmpty } from './reply';

export async function pathCreate(ctx: DfsContext): Promise<void> {
  const resource = ctx.url.searchParams.get('resource');
  if (resource !== 'file' && resource !== 'directory') throw new DfsError(400, 'InvalidQueryParameterValue');
  if (ctx.req.headers['x-ms-rename-source']) throw new DfsError(501, 'NotImplemented', 'The local dfs gateway does not implement rename.');
  const headers = {
    ...contentHeaders(ctx.req.headers),
    ...metadataFromProperties(ctx.req.headers),
    ...(resource === 'directory' ? { 'x-ms-meta-hdi_isfolder': 'true' } : {}),
    ...conditionHeaders(ctx.req.headers),
  };
  const version = await ctx.locks.run(ctx.blobPath, async () => {
    try {
      // Azure's Put Blob discards a blob's uncommitted blocks, Azurite's keeps them; an empty Put
      // Block List creates the same empty blob and garbage-collects them.
      const body = (await hasStagedBlocks(ctx)) ? blockListXml([], []) : undefined;
      const result = await blobOk(ctx, {
        method: 'PUT',
        path: ctx.blobPath,
        query: body ? { comp: 'blocklist' } : {},
        headers: body ? { ...headers, 'content-type': 'application/xml' } : { ...headers, 'x-ms-blob-type': 'BlockBlob' },
        body,
        auth: ctx.auth,
      });
      return versionHeaders(result.headers);
    } catch (error) {
      throw alreadyExists(ctx, error);
    }
  });
  sendEmpty(ctx.res, 201, ctx.reply, { ...version, 'x-ms-request-server-encrypted': 'true' });
}

async function hasStagedBlocks(ctx: DfsContext): Promise<boolean> {
  try {
    return (await getBlockList(ctx)).uncommitted.length > 0;
  } catch {
    return false; // missing blob or file system: Put Blob reports it with the caller's credentials
  }
}

/** With If-None-Match: * Azure answers 409 PathAlreadyExists; Azurite says 409 BlobAlreadyExists or 412. */
function alreadyExists(ctx: DfsContext, error: unknown): unknown {
  const star = headerText(ctx.req.headers['if-none-match'])?.trim() === '*';
  if (star && error instanceof DfsError && (error.status === 412 || error.code === 'PathAlreadyExists')) {
    return new DfsError(409, 'PathAlreadyExists');
  }
  return error;
}
