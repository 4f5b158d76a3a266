// The dfs gateway in a process of its own. It moves every appended byte, and node:http hands it each body chunk in
// a new buffer; in the stack's process that garbage set off full collections of the stack's much larger heap (the
// sample API's events), which cost the bench's exporter about as much CPU as the gateway's own work.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { stopChild } from '../process/stopChild';
import type { GatewayChildReply } from './child';
import type { DfsGateway, DfsGatewayOptions } from './index';

export interface DfsGatewayProcess extends DfsGateway {
  /** The child's process id (for tooling that measures it). */
  pid: number | undefined;
}

export async function startDfsGatewayProcess(options: DfsGatewayOptions & { startTimeoutMs?: number }): Promise<DfsGatewayProcess> {
  const { startTimeoutMs = 30_000, ...gatewayOptions } = options;
  const child = fork(join(__dirname, 'child.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the dfs gateway did not start within ${startTimeoutMs} ms`)), startTimeoutMs);
      child.once('message', (reply: GatewayChildReply) => {
        clearTimeout(timer);
        if ('port' in reply) resolve(reply.port);
        else reject(new Error(`the dfs gateway could not start: ${reply.error}`));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the dfs gateway exited (code ${code}) before starting`));
      });
      child.send(gatewayOptions);
    });
    return {
      port,
      pid: child.pid,
      dfsEndpoint: `http://127.0.0.1:${port}/${options.accountName}`,
      stop: () => stopChild(child),
    };
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}
