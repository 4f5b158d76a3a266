// Decides whether a request is a dfs operation the gateway implements or a Blob API call for Azurite.
import type { IncomingMessage } from 'node:http';
import { headerText } from './errors';

/** What the exporter and verify call; other dfs operations are recognised, so they are refused, not passed on. */
export type DfsOperation = 'pathList' | 'pathCreate' | 'append' | 'flush' | 'unsupported';

export type Route =
  | { kind: 'passthrough' }
  | { kind: 'dfs'; operation: DfsOperation; filesystem: string; path: string; containerPath: string; blobPath: string };

/** Blob API query parameters that never appear on the dfs operations handled here. */
const BLOB_ONLY = ['restype', 'comp', 'snapshot', 'versionid', 'blockid'];

export function route(req: IncomingMessage, url: URL, accountName: string): Route {
  const [, account, fsRaw, ...rest] = url.pathname.split('/');
  if (account !== accountName || !fsRaw) return { kind: 'passthrough' };
  const q = url.searchParams;
  if (BLOB_ONLY.some((name) => q.has(name))) return { kind: 'passthrough' };

  const pathRaw = rest.join('/');
  const operation = pathRaw ? pathOperation(req, q) : filesystemOperation(req, q);
  if (!operation) return { kind: 'passthrough' };
  const containerPath = `/${account}/${fsRaw}`;
  return {
    kind: 'dfs',
    operation,
    filesystem: decodeURIComponent(fsRaw),
    path: decodeURIComponent(pathRaw),
    containerPath,
    blobPath: pathRaw ? `${containerPath}/${pathRaw}` : containerPath,
  };
}

function filesystemOperation(req: IncomingMessage, q: URLSearchParams): DfsOperation | undefined {
  if (q.get('resource') !== 'filesystem') return undefined;
  return req.method === 'GET' ? 'pathList' : 'unsupported';
}

function pathOperation(req: IncomingMessage, q: URLSearchParams): DfsOperation | undefined {
  const action = q.get('action');
  switch (req.method) {
    case 'PUT':
      return q.has('resource') ? 'pathCreate' : undefined;
    case 'PATCH': // not a Blob API verb: always dfs
      return action === 'append' ? 'append' : action === 'flush' ? 'flush' : 'unsupported';
    case 'HEAD':
      return action === 'getStatus' || action === 'getAccessControl' ? 'unsupported' : undefined;
    case 'DELETE':
      return isDfsDelete(req, q) ? 'unsupported' : undefined;
    default:
      return undefined;
  }
}

/**
 * Both SDKs send DELETE /fs/path. Observed on the wire (SDK 12.29 / 12.32): the dfs client sends
 * `Accept: application/json` and `paginated=false` (plus `recursive` for directories); the blob
 * client sends `Accept: application/xml` and none of those parameters.
 */
function isDfsDelete(req: IncomingMessage, q: URLSearchParams): boolean {
  if (q.has('recursive') || q.has('paginated') || q.has('continuation')) return true;
  return (headerText(req.headers.accept) ?? '').includes('application/json');
}
