// Commits a flush: the committed gateway blocks plus the staged ones that reach `position`.
import type { IncomingHttpHeaders } from 'node:http';
import { blobOk, blockListXml, getBlockList, getProperties } from './blob';
import type { DfsContext } from './context';
import { DfsError } from './errors';
import { planFlush } from './flushPlan';
import { carriedContentHeaders, carriedMetadata, versionHeaders } from './headers';
import { authorizedError } from './probe';

export interface CommitRequest {
  position: number;
  retainUncommittedData: boolean;
  /** Conditions and lease id to forward. */
  conditions: Record<string, string | undefined>;
  /** The incoming request's headers (x-ms-content-type …). */
  requestHeaders: IncomingHttpHeaders;
}

export function commit(ctx: DfsContext, request: CommitRequest): Promise<Record<string, string>> {
  return ctx.locks.run(ctx.blobPath, async () => {
    let ids: { committed: string[]; uncommitted: string[] };
    let props: IncomingHttpHeaders;
    try {
      ids = plan(await getBlockList(ctx), request);
      props = await getProperties(ctx);
    } catch (error) {
      throw await authorizedError(ctx, error);
    }
    // Put Block List garbage-collects every block it does not name, which is exactly what
    // retainUncommittedData=false asks for (Azure does the same).
    const result = await blobOk(ctx, {
      method: 'PUT',
      path: ctx.blobPath,
      query: { comp: 'blocklist' },
      headers: {
        ...carriedMetadata(props),
        ...carriedContentHeaders(props, request.requestHeaders),
        ...request.conditions,
        'content-type': 'application/xml',
      },
      body: blockListXml(ids.committed, ids.uncommitted),
      auth: ctx.auth,
    });
    return versionHeaders(result.headers);
  });
}

function plan(list: Awaited<ReturnType<typeof getBlockList>>, request: CommitRequest) {
  const result = planFlush({ ...list, position: request.position, retainUncommittedData: request.retainUncommittedData });
  if (result.ok) return result;
  if (result.code === 'InvalidFlushOperation') throw new DfsError(409, 'InvalidFlushOperation');
  if (result.code === 'InvalidFlushPosition') throw new DfsError(400, 'InvalidFlushPosition');
  // Azurite drops every uncommitted block when a block list is committed, so uncommitted data
  // beyond `position` cannot survive this flush; refuse rather than silently lose it.
  throw new DfsError(
    501,
    'NotImplemented',
    'retainUncommittedData=true is not supported by the local dfs gateway when uncommitted data lies beyond the flush position: ' +
      'Azurite cannot retain uncommitted blocks across a commit.',
  );
}
