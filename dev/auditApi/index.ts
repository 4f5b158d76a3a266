// The sample audit API: a deterministic local stand-in for Immuta's audit search endpoint.
// See types.ts for the contract; server.ts for routes; stream.ts for how pages are built on demand.
import { randomBytes } from 'node:crypto';
import { close, listen } from '../http/server';
import { AUTH_MODES, Authenticator } from './auth';
import { StoreChanges } from './changes';
import { Clock } from './clock';
import { FaultState } from './faultState';
import { createRenderer } from './renderer';
import { createAuditServer } from './server';
import { Stats } from './stats';
import { EventStream } from './stream';
import { Timeline } from './timeline';
import { TokenStore } from './tokens';
import type { AuditApi, AuditApiStartOptions } from './types';

export type {
  AuditApi, AuditApiStartOptions, AuditAuth, AuditEventsOptions, AuditFaults, AuditKind, AuditRestamped, AuditUnreadable, TimestampStyle,
} from './types';
export { AUTH_MODES } from './auth';
export { parseFaults } from './faults';
export { KINDS } from './renderer';

const DEFAULT_TOKEN_TTL_SECONDS = 3600;

export async function startAuditApi(options: AuditApiStartOptions): Promise<AuditApi> {
  if (options.apiKey !== undefined) checkKey(options.apiKey);
  const ttl = options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS;
  if (!(Number.isFinite(ttl) && ttl > 0)) throw new Error('tokenTtlSeconds must be a number of seconds above 0');
  let apiKey = options.apiKey ?? randomBytes(24).toString('base64url');
  const timeline = new Timeline(options.events);
  const renderer = createRenderer(timeline.key, options.events);
  const mode = options.auth ?? (renderer.kind === 'immuta-legacy' ? 'apikey' : 'bearer');
  if (!AUTH_MODES.includes(mode)) throw new Error(`auth must be one of ${AUTH_MODES.join(', ')}; got ${JSON.stringify(mode)}`);

  const changes = new StoreChanges();
  const stream = new EventStream(timeline, { prerender: options.events.prerender, renderer, changes });
  const faults = new FaultState(timeline.key, (set) => {
    changes.clear();
    stream.configure(set);
  });
  if (options.faults) faults.set(options.faults);
  const clock = new Clock();
  const tokens = new TokenStore(clock, ttl * 1000);
  const stats = new Stats(mode === 'immuta-token');
  const auth = new Authenticator(mode, apiKey, tokens);
  const { server, abortWaits } = createAuditServer({ stream, faults, clock, stats, tokens, changes, auth });
  const port = await listen(server, options.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    get apiKey() {
      return apiKey;
    },
    setApiKey: (key) => {
      checkKey(key);
      apiKey = key;
      auth.setKey(key);
    },
    kind: renderer.kind,
    auth: mode,
    setFaults: (f) => faults.set(f),
    resetFaults: () => faults.reset(),
    setNow: (now) => clock.set(now),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    expireTokens: () => tokens.expireAll(),
    mutations: () => changes.snapshot(),
    restamped: (range = {}) => [...stream.restamped(range.minDate?.getTime() ?? -Infinity, range.maxDate?.getTime() ?? Infinity, faults.lateness())],
    unreadable: (range = {}) => [...stream.unreadable(range.minDate?.getTime() ?? -Infinity, range.maxDate?.getTime() ?? Infinity, faults.lateness())],
    eventsJson: (range = {}) => ({
      [Symbol.iterator]: () =>
        stream.all(range.minDate?.getTime() ?? -Infinity, range.maxDate?.getTime() ?? Infinity, faults.lateness()),
    }),
    get totalEvents() {
      return timeline.total + changes.delta + stream.restampedTotal;
    },
    stop: async () => {
      abortWaits();
      await close(server);
    },
  };
}

function checkKey(key: unknown): void {
  if (typeof key !== 'string' || !/^\S+$/.test(key)) throw new Error('apiKey must be a non-empty string without whitespace');
}
