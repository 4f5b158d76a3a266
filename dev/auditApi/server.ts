// HTTP routing for the sample audit API: GET /audit, POST /bim/apikey/authenticate (immuta-token auth),
// and the loopback-only /_admin/* routes (admin.ts).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson } from '../http/server';
import { admin, type AdminState } from './admin';
import type { Authenticator } from './auth';
import { envelope } from './envelope';
import { InvalidFaults } from './faults';
import { readJson, sendError } from './httpJson';
import { mutate } from './mutation';
import { BadRequest, parseAuditQuery } from './query';

export interface AuditServerState extends AdminState {
  auth: Authenticator;
}

const COMMA = Buffer.from(',');
const EXCHANGE_PATH = '/bim/apikey/authenticate';

function isLoopback(address: string | undefined): boolean {
  return address !== undefined && (address === '::1' || /^(::ffff:)?127\./.test(address));
}

export function createAuditServer(state: AuditServerState): { server: Server; abortWaits(): void } {
  const waits = new AbortController();

  async function audit(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
    const { stats, faults, stream, clock } = state;
    stats.request();
    const answer = (status: number, message: string, headers: Record<string, string> = {}, error?: string) => {
      stats.answered(status);
      sendError(res, status, message, headers, error);
    };
    if (req.method !== 'GET') return answer(405, 'use GET /audit', { allow: 'GET' });
    const denied = state.auth.check(req.headers.authorization);
    if (denied) return answer(401, denied.message, denied.headers);
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
    let query;
    try {
      query = parseAuditQuery(params, faults.bounds());
    } catch (e) {
      if (e instanceof BadRequest) return answer(400, e.message);
      throw e;
    }
    const number = faults.nextPage();
    const now = clock.now();
    const late = faults.lateness();
    const page = stream.page({ ...query, size: faults.pageSize(query.size) }, now, late, faults.shape(number));
    const change = faults.mutationAfter(number);
    if (change) mutate(stream, change, query, now, late);

    const asked = { minDate: params.get('minDate')!, maxDate: params.get('maxDate')! };
    const { head, tail } = envelope(stream.renderer.kind, faults.reportedCount(page.count), asked);
    const parts: Buffer[] = [head];
    page.chunks.forEach((chunk, k) => parts.push(...(k > 0 ? [COMMA, chunk] : [chunk])));
    parts.push(tail);
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

  /** Immuta's key-for-token exchange; only served with immuta-token auth. */
  async function exchange(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { stats } = state;
    stats.request();
    if (req.method !== 'POST') {
      stats.answered(405);
      return sendError(res, 405, `use POST ${EXCHANGE_PATH}`, { allow: 'POST' });
    }
    let body: unknown;
    try {
      body = await readJson(req, 64 * 1024);
    } catch (e) {
      if (!(e instanceof BadRequest)) throw e;
    }
    const result = state.auth.exchange(body);
    stats.answered(result.status);
    if (result.status === 200) stats.tokenIssued();
    sendJson(res, result.status, result.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/_admin/')) {
      if (!isLoopback(req.socket.remoteAddress)) return sendError(res, 403, 'admin routes answer loopback clients only');
      try {
        return await admin(state, req, res, url.pathname, url.searchParams);
      } catch (e) {
        if (e instanceof BadRequest || e instanceof InvalidFaults) return sendError(res, 400, e.message);
        throw e;
      }
    }
    if (url.pathname === '/audit') return audit(req, res, url.searchParams);
    if (url.pathname === EXCHANGE_PATH && state.auth.mode === 'immuta-token') return exchange(req, res);
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
