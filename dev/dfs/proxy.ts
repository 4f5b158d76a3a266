// Pass-through to Azurite for everything that is not a dfs operation: method, path, query, headers
// and both bodies unchanged (streamed); only Host is rewritten.
import { request, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AzuriteTarget } from './azurite';

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade'];

export function passThrough(target: AzuriteTarget, req: IncomingMessage, res: ServerResponse): void {
  const headers: OutgoingHttpHeaders = { ...req.headers, host: `${target.host}:${target.port}` };
  for (const name of HOP_BY_HOP) if (name !== 'transfer-encoding') delete headers[name];

  const upstream = request(
    { host: target.host, port: target.port, method: req.method, path: req.url, headers, agent: target.agent },
    (answer) => {
      const out = { ...answer.headers };
      for (const name of HOP_BY_HOP) delete out[name];
      const type = resourceType(req, answer);
      if (type) out['x-ms-resource-type'] = type;
      res.writeHead(answer.statusCode ?? 502, out);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
  );
  upstream.on('error', () => {
    if (res.headersSent) res.destroy();
    else {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Azurite is not reachable');
    }
  });
  req.on('aborted', () => upstream.destroy());
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}

/** Blob GET/HEAD answers get the dfs resource type too (cheap: it is in the blob's metadata). */
function resourceType(req: IncomingMessage, answer: IncomingMessage): string | undefined {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !answer.headers['x-ms-blob-type']) return undefined;
  if ((answer.statusCode ?? 0) >= 300) return undefined;
  return answer.headers['x-ms-meta-hdi_isfolder'] === 'true' ? 'directory' : 'file';
}
