// Response helpers: the headers every dfs answer carries, and JSON error bodies.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { DfsError, headerText } from './errors';

const DEFAULT_VERSION = '2026-02-06';

export interface ReplyContext {
  requestId: string;
  version: string;
  clientRequestId?: string;
}

export function replyContext(req: IncomingMessage): ReplyContext {
  return {
    requestId: randomUUID(),
    version: headerText(req.headers['x-ms-version']) ?? DEFAULT_VERSION,
    clientRequestId: headerText(req.headers['x-ms-client-request-id']),
  };
}

function commonHeaders(ctx: ReplyContext): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    'x-ms-request-id': ctx.requestId,
    'x-ms-version': ctx.version,
    date: new Date().toUTCString(),
  };
  if (ctx.clientRequestId) headers['x-ms-client-request-id'] = ctx.clientRequestId;
  return headers;
}

export function sendEmpty(res: ServerResponse, status: number, ctx: ReplyContext, extra: OutgoingHttpHeaders = {}): void {
  res.writeHead(status, { ...commonHeaders(ctx), 'content-length': 0, ...extra });
  res.end();
}

export function sendJsonBody(res: ServerResponse, status: number, ctx: ReplyContext, body: unknown, extra: OutgoingHttpHeaders = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...commonHeaders(ctx),
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  res.end(text);
}

export function sendError(req: IncomingMessage, res: ServerResponse, ctx: ReplyContext, error: unknown): void {
  const dfs = error instanceof DfsError ? error : new DfsError(500, 'InternalError', 'The local dfs gateway failed: ' + describe(error));
  if (!req.readableEnded) req.resume(); // drain an unread body so the connection stays usable
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers = { ...commonHeaders(ctx), 'x-ms-error-code': dfs.code };
  if (req.method === 'HEAD') {
    res.writeHead(dfs.status, headers);
    res.end();
    return;
  }
  const message = `${dfs.message}\nRequestId:${ctx.requestId}\nTime:${new Date().toISOString()}`;
  sendJsonBody(res, dfs.status, ctx, { error: { code: dfs.code, message } }, { 'x-ms-error-code': dfs.code });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
