// Path - Delete. Directories are hdi_isfolder blobs or just a shared name prefix (Azurite is flat).
import type { IncomingHttpHeaders } from 'node:http';
import { blobOk, encodePath, getProperties, isDirectory } from './blob';
import type { DfsContext } from './context';
import { DfsError } from './errors';
import { conditionHeaders } from './headers';
import { allBlobs, listBlobs } from './listing';
import { booleanParam } from './params';
import { sendEmpty } from './reply';

const DELETE_CONCURRENCY = 8;

export async function pathDelete(ctx: DfsContext): Promise<void> {
  const recursive = booleanParam(ctx.url, 'recursive');
  await ctx.locks.run(ctx.blobPath, async () => {
    const props = await propertiesIfExists(ctx);
    if (props && !isDirectory(props)) return deleteBlob(ctx, ctx.blobPath, true);

    const prefix = `${ctx.path}/`;
    // Existence check with the account key; the deletes themselves use the caller's credentials.
    const hasChildren = (await listBlobs(ctx, { prefix, maxResults: 1, auth: { kind: 'key' } })).blobs.length > 0;
    if (!hasChildren) return deleteBlob(ctx, ctx.blobPath, true); // 404 PathNotFound if there is nothing
    if (!recursive) throw new DfsError(409, 'DirectoryNotEmpty');
    if (props) await checkConditions(ctx);

    const batch: Promise<void>[] = [];
    for await (const blob of allBlobs(ctx, prefix, ctx.auth)) {
      batch.push(deleteBlob(ctx, `${ctx.containerPath}/${encodePath(blob.name)}`, false));
      if (batch.length >= DELETE_CONCURRENCY) await Promise.all(batch.splice(0));
    }
    await Promise.all(batch);
    if (props) await deleteBlob(ctx, ctx.blobPath, true);
  });
  sendEmpty(ctx.res, 200, ctx.reply);
}

async function propertiesIfExists(ctx: DfsContext): Promise<IncomingHttpHeaders | undefined> {
  try {
    return await getProperties(ctx);
  } catch (error) {
    if (error instanceof DfsError && error.code === 'PathNotFound') return undefined;
    throw error;
  }
}

async function deleteBlob(ctx: DfsContext, path: string, withConditions: boolean): Promise<void> {
  await blobOk(ctx, {
    method: 'DELETE',
    path,
    headers: withConditions ? conditionHeaders(ctx.req.headers) : {},
    auth: ctx.auth,
  });
}

/** A directory's conditions must hold before any child is deleted (bookkeeping read). */
async function checkConditions(ctx: DfsContext): Promise<void> {
  const conditions = conditionHeaders(ctx.req.headers);
  delete conditions['x-ms-lease-id'];
  if (Object.values(conditions).every((v) => v === undefined)) return;
  try {
    await blobOk(ctx, { method: 'HEAD', path: ctx.blobPath, headers: conditions, auth: { kind: 'key' } });
  } catch (error) {
    if (error instanceof DfsError && (error.status === 412 || error.status === 304)) throw new DfsError(412, 'ConditionNotMet');
    throw error;
  }
}
