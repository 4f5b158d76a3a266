// Streaming pass-through to the target: method, path+query, headers (Host rewritten) and both bodies
// unchanged. Never logs: URLs carry SAS signatures, headers carry keys and tokens.
import { request, type Agent, type ClientRequest, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';

export interface Target {
  host: string;
  port: number;
  agent: Agent;
}

// Per-connection headers belong to each hop. Transfer-Encoding stays on the request so a chunked body
// is re-sent chunked; Expect is dropped because this server already answered 100-continue.
const HOP_REQUEST = ['host', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'expect', 'te', 'trailer'];
const HOP_RESPONSE = ['connection', 'keep-alive', 'proxy-connection', 'upgrade', 'transfer-encoding', 'trailer'];

function without(headers: NodeJS.Dict<string[]>, names: string[]): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  // headersDistinct keeps repeated headers as separate lines instead of joining them.
  for (const [name, values] of Object.entries(headers)) if (values && !names.includes(name)) out[name] = values;
  return out;
}

/** Sends the client's request upstream, streaming its body; the caller decides what to do with the answer. */
export function sendUpstream(target: Target, req: IncomingMessage, onAnswer: (answer: IncomingMessage) => void, onError: () => void): ClientRequest {
  const headers = without(req.headersDistinct, HOP_REQUEST);
  headers.host = `${target.host}:${target.port}`;
  const upstream = request({ host: target.host, port: target.port, method: req.method, path: req.url, headers, agent: target.agent }, onAnswer);
  upstream.on('error', onError);
  req.on('error', () => upstream.destroy());
  req.pipe(upstream);
  return upstream;
}

/** The normal case: relay the answer as it arrives. */
export function forward(target: Target, req: IncomingMessage, res: ServerResponse): void {
  const upstream = sendUpstream(
    target,
    req,
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, without(answer.headersDistinct, HOP_RESPONSE));
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
    () => {
      if (res.headersSent) res.destroy();
      else {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('fault proxy: the target is not reachable');
      }
    },
  );
  // The client went away before the answer was complete: stop the upstream call too.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
}
