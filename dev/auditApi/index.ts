// The sample audit API: a deterministic local stand-in for Immuta's audit search endpoint.
// See types.ts for the contract; server.ts for routes; stream.ts for how pages are built on demand.
import { randomBytes } from 'node:crypto';
import { close, listen } from '../http/server';
import { Clock } from './clock';
import { FaultState } from './faults';
import { createAuditServer } from './server';
import { Stats } from './stats';
import { EventStream } from './stream';
import { Timeline } from './timeline';
import type { AuditApi, AuditEventsOptions, AuditFaults } from './types';

export type { AuditApi, AuditEventsOptions, AuditFaults, AuditStats } from './types';

/** AuditApi plus a few extras for tests and tooling. */
export interface AuditApiServer extends AuditApi {
  /** The faults in force, with their remaining counts. */
  currentFaults(): AuditFaults;
}

export async function startAuditApi(options: { events: AuditEventsOptions; apiKey?: string; port?: number }): Promise<AuditApiServer> {
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || !/^\S+$/.test(options.apiKey))) {
    throw new Error('apiKey must be a non-empty string without whitespace');
  }
  const apiKey = options.apiKey ?? randomBytes(24).toString('base64url');
  const timeline = new Timeline(options.events);
  const stream = new EventStream(timeline, { prerender: options.events.prerender });
  const faults = new FaultState(timeline.key);
  const clock = new Clock();
  const stats = new Stats();
  const { server, abortWaits } = createAuditServer({ stream, faults, clock, stats, apiKey });
  const port = await listen(server, options.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    apiKey,
    setFaults: (f) => faults.set(f),
    resetFaults: () => faults.reset(),
    currentFaults: () => faults.current(),
    setNow: (now) => clock.set(now),
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    eventsJson: (range = {}) => ({
      [Symbol.iterator]: () =>
        stream.all(range.minDate?.getTime() ?? -Infinity, range.maxDate?.getTime() ?? Infinity, faults.lateness()),
    }),
    totalEvents: timeline.total,
    stop: async () => {
      abortWaits();
      await close(server);
    },
  };
}
