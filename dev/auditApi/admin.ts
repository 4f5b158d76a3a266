// Loopback-only /_admin/* routes: faults, stats, the server clock, tokens and what the mutate fault changed.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/server';
import type { StoreChanges } from './changes';
import type { Clock } from './clock';
import type { FaultState } from './faultState';
import { readJson, sendError } from './httpJson';
import { BadRequest, parseIsoMs } from './query';
import type { Stats } from './stats';
import type { TokenStore } from './tokens';

export interface AdminState {
  faults: FaultState;
  stats: Stats;
  clock: Clock;
  tokens: TokenStore;
  changes: StoreChanges;
}

const PATHS = ['/_admin/faults', '/_admin/stats', '/_admin/clock', '/_admin/tokens/expire', '/_admin/mutations'];
const BODY_LIMIT = 1024 * 1024;

export async function admin(state: AdminState, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const { faults, stats, clock } = state;
  switch (`${req.method} ${path}`) {
    case 'GET /_admin/faults':
      return sendJson(res, 200, faults.current());
    case 'PUT /_admin/faults':
      faults.set((await readJson(req, BODY_LIMIT)) as never);
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
      const body = (await readJson(req, BODY_LIMIT)) as { now?: unknown } | null;
      const now = body?.now;
      const ms = typeof now === 'string' ? parseIsoMs(now) : undefined;
      if (now !== null && ms === undefined) throw new BadRequest('body must be {"now": <ISO-8601 date-time with a zone> | null}');
      clock.set(ms === undefined ? null : new Date(ms));
      return sendJson(res, 200, { now: clock.pinnedAt()?.toISOString() ?? null });
    }
    case 'POST /_admin/tokens/expire':
      return sendJson(res, 200, { expired: state.tokens.expireAll() });
    case 'GET /_admin/mutations':
      return sendJson(res, 200, state.changes.snapshot());
  }
  if (PATHS.includes(path)) return sendError(res, 405, `${req.method} is not supported on ${path}`);
  return sendError(res, 404, `no admin route ${path}`);
}
