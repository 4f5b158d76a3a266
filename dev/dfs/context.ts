// What every dfs operation handler gets.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallerAuth } from './auth';
import type { AzuriteTarget } from './azurite';
import type { PathLocks } from './pathLock';
import type { ReplyContext } from './reply';

export interface DfsContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  target: AzuriteTarget;
  reply: ReplyContext;
  auth: CallerAuth;
  locks: PathLocks;
  /** Decoded file system name and path inside it ('' at file system level). */
  filesystem: string;
  path: string;
  /** Percent-encoded '/account/fs' and '/account/fs/path', as the caller sent them. */
  containerPath: string;
  blobPath: string;
}
