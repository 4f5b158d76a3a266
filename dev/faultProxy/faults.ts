// The injected faults. A 'status' answer imitates Azure Storage's error replies so SDK error handling
// (RestError.code from x-ms-error-code, Retry-After) is exercised as in production.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { sendUpstream, type Target } from './forward';
import type { FaultRule } from './types';

const ERRORS: Record<number, [code: string, message: string]> = {
  400: ['InvalidInput', 'One of the request inputs is not valid.'],
  403: ['AuthorizationFailure', 'This request is not authorized to perform this operation.'],
  404: ['ResourceNotFound', 'The specified resource does not exist.'],
  408: ['OperationTimedOut', 'The operation could not be completed within the permitted time.'],
  409: ['OperationNotAllowed', 'The operation is not allowed in the current state.'],
  412: ['ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.'],
  429: ['ServerBusy', 'Operations per second is over the account limit.'],
  500: ['InternalError', 'The server encountered an internal error. Please retry the request.'],
  503: ['ServerBusy', 'The server is busy.'],
  504: ['OperationTimedOut', 'The operation could not be completed within the permitted time.'],
};

function errorFor(status: number, override?: string): { code: string; message: string } {
  const [code, message] = ERRORS[status] ?? (status >= 500 ? ERRORS[500]! : ERRORS[400]!);
  return override ? { code: override, message: 'Injected by the fault proxy.' } : { code, message };
}

function xmlEscape(text: string): string {
  return text.replace(/[<>&]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&amp;'));
}

/** Answers without forwarding, after draining the body so the connection stays usable for keep-alive. */
export function answerStatus(rule: FaultRule, req: IncomingMessage, res: ServerResponse): void {
  const status = rule.status ?? 503;
  const requestId = randomUUID();
  const { code, message } = errorFor(status, rule.errorCode);
  const headers: Record<string, string> = { 'x-ms-error-code': code, 'x-ms-request-id': requestId, 'x-ms-version': '2025-11-05' };
  if (rule.retryAfterSeconds !== undefined) headers['retry-after'] = String(rule.retryAfterSeconds);
  req.resume();
  req.on('end', () => {
    if (res.destroyed) return;
    if (req.method === 'HEAD') {
      res.writeHead(status, { ...headers, 'content-length': '0' });
      return void res.end();
    }
    const body =
      `<?xml version="1.0" encoding="utf-8"?><Error><Code>${xmlEscape(code)}</Code>` +
      `<Message>${xmlEscape(`${message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`)}</Message></Error>`;
    res.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
  });
}

/** Kills the connection with a TCP RST where possible, as a dropped connection looks to a client. */
export function resetClient(req: IncomingMessage): void {
  const socket = req.socket as Socket;
  if (typeof socket.resetAndDestroy === 'function' && !socket.destroyed) socket.resetAndDestroy();
  else socket.destroy();
}

/** The server does the work, the client never hears: forward, wait for the whole answer, then reset. */
export function resetAfter(target: Target, req: IncomingMessage, res: ServerResponse): void {
  const upstream = sendUpstream(
    target,
    req,
    (answer) => {
      answer.resume();
      answer.on('end', () => resetClient(req));
      answer.on('error', () => resetClient(req));
    },
    () => resetClient(req),
  );
  res.on('close', () => {
    if (!upstream.writableFinished) upstream.destroy();
  });
}
