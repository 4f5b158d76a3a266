// Preloaded into the exporter's child process by the crash suite (node --require). Reports every outgoing
// HTTP call on stdout as it starts and ends, so the parent can SIGKILL the child before, during or after
// any vault, identity, audit API, lake or checkpoint call. Synchronous writes: stdout is a pipe (sync on Linux).
import { subscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';

const line = (phase: 'S' | 'E', hostPort: string, method: string) => process.stdout.write(`TRACE ${phase} ${hostPort} ${method}\n`);
const hostOf = (req: ClientRequest) => String(req.getHeader('host') ?? req.host);

// Azure SDK calls (core-rest-pipeline's Node client uses node:http/https).
subscribe('http.client.request.start', (m) => {
  const { request } = m as { request: ClientRequest };
  line('S', hostOf(request), request.method);
});
subscribe('http.client.response.finish', (m) => {
  const { request } = m as { request: ClientRequest; response: IncomingMessage };
  line('E', hostOf(request), request.method);
});

// fetch (the audit API client) runs on undici.
type UndiciRequest = { origin: string | URL; method: string };
const origin = (r: UndiciRequest) => new URL(String(r.origin)).host;
subscribe('undici:request:create', (m) => {
  const { request } = m as { request: UndiciRequest };
  line('S', origin(request), request.method);
});
subscribe('undici:request:trailers', (m) => {
  const { request } = m as { request: UndiciRequest };
  line('E', origin(request), request.method);
});
