// Filesystem - Create / Delete: a container, with the caller's credentials.
import { blobOk } from './blob';
import type { DfsContext } from './context';
import { headerText } from './errors';
import { metadataFromProperties, versionHeaders } from './headers';
import { sendEmpty } from './reply';

export async function filesystemCreate(ctx: DfsContext): Promise<void> {
  const result = await blobOk(ctx, {
    method: 'PUT',
    path: ctx.containerPath,
    query: { restype: 'container' },
    headers: metadataFromProperties(ctx.req.headers),
    auth: ctx.auth,
  });
  sendEmpty(ctx.res, 201, ctx.reply, { ...versionHeaders(result.headers), 'x-ms-namespace-enabled': 'true' });
}

// Filesystem - Delete: delete the container (Azure answers 202).
export async function filesystemDelete(ctx: DfsContext): Promise<void> {
  await blobOk(ctx, { method: 'DELETE', path: ctx.containerPath, query: { restype: 'container' }, headers: conditionsOnly(ctx), auth: ctx.auth });
  sendEmpty(ctx.res, 202, ctx.reply);
}

function conditionsOnly(ctx: DfsContext): Record<string, string | undefined> {
  const h = ctx.req.headers;
  return { 'if-modified-since': headerText(h['if-modified-since']), 'if-unmodified-since': headerText(h['if-unmodified-since']) };
}
