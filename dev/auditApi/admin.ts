// Loopback-only /_admin/* routes: faults, stats, the server clock, tokens, and the ground truth of faults that change
// what is stored (what the mutate fault changed, which events are unreadable, which are re-stamped).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '../http/server';
import type { StoreChanges } from './changes';
import type { Clock } from './clock';
import type { FaultState } from './faultState';
import { readJson, sendError } from './httpJson';
import { BadRequest, parseIsoMs } from './query';
import type { Stats } from './stats';
import type { EventStream } from './stream';
import type { TokenStore } from './tokens';

export interface AdminState {
  faults: FaultState;
  stats: Stats;
  clock: Clock;
  tokens: TokenStore;
  changes: StoreChanges;
  stream: EventStream;
}

const PATHS = ['/_admin/faults', '/_admin/stats', '/_admin/clock', '/_admin/tokens/expire', '/_admin/mutations', '/_admin/unreadable', '/_admin/restamped'];
const BODY_LIMIT = 1024 * 1024;
/** Ground-truth lists answer at most this many entries: a larger range must be asked in parts. */
const LIST_LIMIT = 10_000;

/** The optional minDate/maxDate of a ground-truth list, as a half-open range of ms. */
function listRange(params: URLSearchParams): { minMs: number; maxMs: number } {
  const bound = (name: string, fallback: number) => {
    const value = params.get(name);
    if (value === null) return fallback;
    const ms = parseIsoMs(value);
    if (ms === undefined) throw new BadRequest(`${name} must be an ISO-8601 date-time with a zone, e.g. 2024-01-01T00:00:00.000Z`);
    return ms;
  };
  return { minMs: bound('minDate', -Infinity), maxMs: bound('maxDate', Infinity) };
}

/** At most LIST_LIMIT items, else a 400 that says to narrow the range. */
function bounded<T>(items: Iterable<T>, what: string): T[] {
  const out: T[] = [];
  for (const item of items) {
    if (out.length === LIST_LIMIT) throw new BadRequest(`more than ${LIST_LIMIT} ${what} in this range; ask with a narrower minDate/maxDate`);
    out.push(item);
  }
  return out;
}

export async function admin(state: AdminState, req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): Promise<void> {
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
    case 'GET /_admin/unreadable': {
      const { minMs, maxMs } = listRange(params);
      return sendJson(res, 200, bounded(state.stream.unreadable(minMs, maxMs, faults.lateness()), 'unreadable events'));
    }
    case 'GET /_admin/restamped': {
      const { minMs, maxMs } = listRange(params);
      return sendJson(res, 200, bounded(state.stream.restamped(minMs, maxMs, faults.lateness()), 're-stamped copies'));
    }
  }
  if (PATHS.includes(path)) return sendError(res, 405, `${req.method} is not supported on ${path}`);
  return sendError(res, 404, `no admin route ${path}`);
}
