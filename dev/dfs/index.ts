// Local Data Lake (dfs) gateway: Azurite has no dfs endpoint, and for a path-style URL the
// @azure/storage-file-datalake client sends dfs and blob calls to the same origin. The gateway sits
// at that origin, implements the dfs operations on Azurite's Blob API and passes the rest through.
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { close, listen } from '../http/server';
import { append } from './append';
import { callerAuth } from './auth';
import type { AzuriteTarget } from './azurite';
import type { DfsContext } from './context';
import { DfsError } from './errors';
import { flush } from './flush';
import { pathCreate } from './pathCreate';
import { pathList } from './pathList';
import { PathLocks } from './pathLock';
import { passThrough } from './proxy';
import { replyContext, sendError } from './reply';
import { route, type DfsOperation } from './routes';

export interface DfsGatewayOptions {
  azuriteBlobEndpoint: string;
  accountName: string;
  accountKey: string;
  /** 0 (default) = a free port. */
  port?: number;
}

export interface DfsGateway {
  port: number;
  /** http://127.0.0.1:PORT/devstoreaccount1 */
  dfsEndpoint: string;
  stop(): Promise<void>;
}

const HANDLERS: Record<Exclude<DfsOperation, 'unsupported'>, (ctx: DfsContext) => Promise<void>> = {
  pathList,
  pathCreate,
  append,
  flush,
};

export async function startDfsGateway(options: DfsGatewayOptions): Promise<DfsGateway> {
  const azurite = new URL(options.azuriteBlobEndpoint);
  const agent = new Agent({ keepAlive: true });
  const target: AzuriteTarget = {
    host: azurite.hostname,
    port: Number(azurite.port || 80),
    account: { name: options.accountName, key: options.accountKey },
    agent,
  };
  const locks = new PathLocks();
  const server = createServer((req, res) => handle(target, locks, req, res));
  const port = await listen(server, options.port ?? 0);
  return {
    port,
    dfsEndpoint: `http://127.0.0.1:${port}/${options.accountName}`,
    stop: async () => {
      await close(server);
      agent.destroy();
    },
  };
}

function handle(target: AzuriteTarget, locks: PathLocks, req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://gateway');
  const found = route(req, url, target.account.name);
  if (found.kind === 'passthrough') return passThrough(target, req, res);

  const reply = replyContext(req);
  const run = async () => {
    if (found.operation === 'unsupported') throw new DfsError(501, 'NotImplemented');
    const ctx: DfsContext = {
      req,
      res,
      url,
      target,
      reply,
      locks,
      auth: callerAuth(req, url, target.account),
      filesystem: found.filesystem,
      path: found.path,
      containerPath: found.containerPath,
      blobPath: found.blobPath,
    };
    await HANDLERS[found.operation](ctx);
  };
  run().catch((error) => sendError(req, res, reply, error));
}
