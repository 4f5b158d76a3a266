// HTTP routing for the sample audit API: GET /audit plus loopback-only /_admin/* control routes.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { readBody, sendJson } from '../http/server';
import type { Clock } from './clock';
import { FaultState, InvalidFaults } from './faults';
import { BadRequest, parseAuditQuery, parseIsoMs } from './query';
import type { Stats } from './stats';
import type { EventStream } from './stream';

export interface AuditServerState {
  stream: EventStream;
  faults: FaultState;
  clock: Clock;
  stats: Stats;
  apiKey: string;
}

const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']}');

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error',
};

function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, error = REASONS[status]): void {
  sendJson(res, status, { statusCode: status, error, message }, headers);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** Constant-time key check; hashing first makes the lengths equal. */
function authorized(req: IncomingMessage, apiKey: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m !== null && timingSafeEqual(digest(m[1]), digest(apiKey));
}

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

export function createAuditServer(state: AuditServerState): { server: Server; abortWaits(): void } {
  const waits = new AbortController();

  async function audit(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const { stats, faults } = state;
    stats.request();
    const answer = (status: number, message: string, headers: Record<string, string> = {}, error?: string) => {
      stats.answered(status);
      sendError(res, status, message, headers, error);
    };
    if (req.method !== 'GET') return answer(405, 'use GET /audit', { allow: 'GET' });
    if (!authorized(req, state.apiKey)) return answer(401, 'missing or invalid API key', { 'www-authenticate': 'Bearer' });
    const rejection = faults.reject();
    if (rejection) return answer(rejection.status, rejection.message, rejection.headers, rejection.error);
    const delay = faults.delayMs();
    if (delay > 0) {
      try {
        await sleep(delay, undefined, { signal: waits.signal });
      } catch {
        return; // server stopping
      }
    }
    let page;
    try {
      page = state.stream.page(parseAuditQuery(params), state.clock.now(), faults.lateness());
    } catch (e) {
      if (e instanceof BadRequest) return answer(400, e.message);
      throw e;
    }
    const parts: Buffer[] = [Buffer.from(`{"count":${page.count},"hits":[`)];
    page.chunks.forEach((chunk, k) => parts.push(...(k > 0 ? [COMMA, chunk] : [chunk])));
    parts.push(CLOSE);
    const length = parts.reduce((n, p) => n + p.length, 0);
    const json = { 'content-type': 'application/json; charset=utf-8' };
    const fault = faults.bodyFault();
    stats.answered(200, fault ? 0 : page.hits);
    if (fault === 'malformed') {
      // Looks like a proxy's error page that kept the upstream's status and content type.
      const text = Buffer.from('<html><body><h1>502 Bad Gateway</h1><p>upstream sent an invalid response</p></body></html>');
      res.writeHead(200, { ...json, 'content-length': text.length });
      res.end(text);
    } else if (fault === 'truncated') {
      const half = Buffer.concat(parts, length).subarray(0, Math.floor(length / 2));
      res.writeHead(200, { ...json, 'content-length': half.length });
      res.end(half);
    } else if (fault === 'reset') {
      res.writeHead(200, { ...json, 'content-length': length });
      res.write(Buffer.concat(parts, length).subarray(0, Math.floor(length / 2)), () => res.destroy());
    } else {
      // The chunks are slices of prerendered events (or built for this page): written as they are, no copy.
      res.writeHead(200, { ...json, 'content-length': length });
      res.cork();
      for (const part of parts) res.write(part);
      res.end();
    }
  }

  async function jsonBody(req: IncomingMessage): Promise<unknown> {
    const text = (await readBody(req, 1024 * 1024)).toString('utf8');
    try {
      return JSON.parse(text);
    } catch {
      throw new BadRequest('the body must be JSON');
    }
  }

  async function admin(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    const { faults, stats, clock } = state;
    const route = `${req.method} ${path}`;
    switch (route) {
      case 'GET /_admin/faults':
        return sendJson(res, 200, faults.current());
      case 'PUT /_admin/faults':
        faults.set((await jsonBody(req)) as never);
        return sendJson(res, 200, faults.current());
      case 'DELETE /_admin/faults':
        faults.reset();
        return sendJson(res, 200, faults.current());
      case 'GET /_admin/stats':
        return sendJson(res, 200, stats.snapshot());
      case 'DELETE /_admin/stats':
        stats.reset();
        return sendJson(res, 200, stats.snapshot());
      case 'GET /_admin/clock':
        return sendJson(res, 200, { now: clock.pinnedAt()?.toISOString() ?? null });
      case 'PUT /_admin/clock': {
        const body = (await jsonBody(req)) as { now?: unknown } | null;
        const now = body?.now;
        const ms = typeof now === 'string' ? parseIsoMs(now) : undefined;
        if (now !== null && ms === undefined) throw new BadRequest('body must be {"now": <ISO-8601 date-time with a zone> | null}');
        clock.set(ms === undefined ? null : new Date(ms));
        return sendJson(res, 200, { now: clock.pinnedAt()?.toISOString() ?? null });
      }
    }
    if (['/_admin/faults', '/_admin/stats', '/_admin/clock'].includes(path)) return sendError(res, 405, `${req.method} is not supported on ${path}`);
    return sendError(res, 404, `no admin route ${path}`);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/_admin/')) {
      if (!isLoopback(req.socket.remoteAddress)) return sendError(res, 403, 'admin routes answer loopback clients only');
      try {
        return await admin(req, res, url.pathname);
      } catch (e) {
        if (e instanceof BadRequest || e instanceof InvalidFaults) return sendError(res, 400, e.message);
        throw e;
      }
    }
    if (url.pathname === '/audit') return audit(req, res, url.searchParams);
    state.stats.request();
    state.stats.answered(404);
    sendError(res, 404, `no route ${url.pathname}; the audit search is GET /audit`);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (res.headersSent) res.destroy();
      else sendError(res, 500, e instanceof Error ? e.message : 'internal error');
    });
  });
  return { server, abortWaits: () => waits.abort() };
}
