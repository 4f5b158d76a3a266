// Loopback fault-injection HTTP proxy: sits between a storage client and the local storage (dfs gateway
// or Azurite), forwards everything unchanged unless a rule says to fail the request, and lets the tests
// that start it choose which requests fail and how.
import { Agent, createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { close, listen } from '../http/server';
import { answerStatus, resetAfter, resetClient } from './faults';
import { forward, type Target } from './forward';
import { RuleBook } from './rules';
import type { FaultRule, FaultStats } from './types';

export type { FaultRule } from './types';

export interface FaultProxy {
  /** http://127.0.0.1:PORT (origin only) */
  url: string;
  port: number;
  /** Replaces all rules and resets all counters (requests, faulted, byRule). Throws InvalidRules. */
  setRules(rules: FaultRule[]): void;
  clearRules(): void;
  stats(): FaultStats;
  /** Resolves once `n` faults have been injected since the rules were last set: the faulted request is in hand. */
  whenFaulted(n?: number): Promise<void>;
  /** Forwards now every request a delay is holding, as if its time had come. */
  forwardDelayed(): void;
  stop(): Promise<void>;
}

export interface FaultProxyOptions {
  /** Origin of the real service, e.g. http://127.0.0.1:10000; loopback only. */
  target: string;
  /** 0 (default) = a free port. */
  port?: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const agent = new Agent({ keepAlive: true });
  const target: Target = { ...parseTarget(options.target), agent };
  const book = new RuleBook();
  /** Requests a delay holds: each one's timer, and what forwards it. */
  const delays = new Map<NodeJS.Timeout, () => void>();
  let waiting: Array<{ n: number; resolve: () => void }> = [];
  const wake = () => {
    const { faulted } = book.stats();
    for (const w of waiting.filter((w) => faulted >= w.n)) w.resolve();
    waiting = waiting.filter((w) => faulted < w.n);
  };

  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const picked = book.decide({ method: req.method ?? 'GET', path, query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)) });
    if (!picked) return forward(target, req, res);
    const { rule } = picked;
    wake();
    switch (rule.fault) {
      case 'status':
        return answerStatus(rule, req, res);
      case 'reset-before':
        return resetClient(req);
      case 'reset-after':
        return resetAfter(target, req, res);
      case 'delay':
        return delayThenForward(rule.delayMs ?? 0, target, req, res, delays);
    }
  });
  const port = await listen(server, options.port ?? 0);

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setRules: (rules) => book.set(rules),
    clearRules: () => book.set([]),
    stats: () => book.stats(),
    forwardDelayed: () => {
      for (const [timer, forwardNow] of delays) {
        clearTimeout(timer);
        forwardNow();
      }
    },
    whenFaulted: (n = 1) => (book.stats().faulted >= n ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ n, resolve }))),
    stop: async () => {
      for (const timer of delays.keys()) clearTimeout(timer);
      delays.clear();
      await close(server);
      agent.destroy();
    },
  };
}

/** If the client gives up while waiting, nothing is forwarded: the server never sees the request. */
function delayThenForward(ms: number, target: Target, req: IncomingMessage, res: ServerResponse, delays: Map<NodeJS.Timeout, () => void>): void {
  const forwardNow = () => {
    delays.delete(timer);
    forward(target, req, res);
  };
  const timer = setTimeout(forwardNow, ms);
  delays.set(timer, forwardNow);
  res.on('close', () => {
    clearTimeout(timer);
    delays.delete(timer);
  });
}

function parseTarget(origin: string): { host: string; port: number } {
  const u = new URL(origin);
  if (u.protocol !== 'http:') throw new Error('fault proxy: the target must be an http:// origin');
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash) {
    throw new Error('fault proxy: the target must be an origin without a path (use viaProxy for endpoints)');
  }
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (host !== 'localhost' && host !== '::1' && !/^127\.\d+\.\d+\.\d+$/.test(host)) throw new Error('fault proxy: the target must be a loopback address');
  return { host, port: Number(u.port || 80) };
}

/** The same URL with its origin replaced by the proxy's; path, query and fragment are kept verbatim. */
export function viaProxy(url: string, proxy: Pick<FaultProxy, 'url'>): string {
  const origin = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(url);
  if (!origin) throw new Error('viaProxy: not an absolute URL');
  return proxy.url + url.slice(origin[0].length);
}
