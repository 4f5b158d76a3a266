// Control routes for a proxy running in another process. Only /_proxy/... paths land here; they are
// never forwarded, and only loopback peers may use them.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http/server';
import { InvalidRules, type RuleBook } from './rules';

export const ADMIN_PREFIX = '/_proxy/';

function isLoopback(address: string | undefined): boolean {
  return !!address && (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.'));
}

export async function admin(book: RuleBook, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (!isLoopback(req.socket.remoteAddress)) return sendJson(res, 403, { error: 'loopback only' });
  const route = path.slice(ADMIN_PREFIX.length);
  const method = req.method ?? 'GET';
  if (route === 'rules') {
    if (method === 'GET') return sendJson(res, 200, book.list());
    if (method === 'DELETE') {
      book.set([]);
      return sendJson(res, 200, { rules: 0 });
    }
    if (method === 'PUT') {
      let rules: unknown;
      try {
        rules = JSON.parse((await readBody(req, 1024 * 1024)).toString('utf8'));
      } catch (e) {
        return sendJson(res, 400, { error: `rules must be a JSON array: ${e instanceof Error ? e.message : e}` });
      }
      try {
        book.set(rules);
      } catch (e) {
        if (e instanceof InvalidRules) return sendJson(res, 400, { error: e.message });
        throw e;
      }
      return sendJson(res, 200, { rules: book.list().length });
    }
    return sendJson(res, 405, { error: 'use GET, PUT or DELETE' }, { allow: 'GET, PUT, DELETE' });
  }
  if (route === 'stats') {
    if (method === 'GET') return sendJson(res, 200, book.stats());
    return sendJson(res, 405, { error: 'use GET' }, { allow: 'GET' });
  }
  return sendJson(res, 404, { error: 'known routes: /_proxy/rules, /_proxy/stats' });
}
