// The gateway's bookkeeping reads use the account key, so they can find a problem (missing path,
// bad position, bad MD5) before any call has tested the caller's credentials. Azure checks
// authorization first; to keep that order, such errors are returned only after this probe shows
// Azurite would let the caller write the blob. The probe is a Put Block List (needs 'w') with an
// If-Match that can never match, so it changes nothing: 412 = authorized, 403 = not.
import { callBlob } from './azurite';
import { blockListXml } from './blob';
import type { DfsContext } from './context';
import { DfsError, fromAzurite } from './errors';

const NEVER_MATCHES = '"0x0-dfs-gateway-authorization-probe"';

export async function authorizedError(ctx: DfsContext, error: unknown): Promise<unknown> {
  if (!(error instanceof DfsError) || ctx.auth.kind === 'key') return error;
  const result = await callBlob(ctx.target, {
    method: 'PUT',
    path: ctx.blobPath,
    query: { comp: 'blocklist' },
    headers: { 'if-match': NEVER_MATCHES, 'content-type': 'application/xml' },
    body: blockListXml([], []),
    auth: ctx.auth,
  });
  if (result.status === 401 || result.status === 403) return fromAzurite(result.status, result.headers, result.body);
  return error;
}
