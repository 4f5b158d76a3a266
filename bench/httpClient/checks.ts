// Behaviour the audit source relies on, asked of each client against loopback servers made to misbehave: bytes kept
// exactly, Retry-After visible, abort and dropped connections, decompression, and no redirect or proxy unless asked.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { createEmptyPipeline, createPipelineFromOptions } from '@azure/core-rest-pipeline';
import { close, listen } from '../../dev/http/server';
import type { BenchClient, ClientAnswer } from './client';
import { getterClient } from './getterClient';
import { auditPipeline, pipelineClient } from './pipelineClients';

/** Not a valid UTF-8 sequence among them: a lone 0xFF, a truncated 2-byte one, a UTF-16 surrogate, Latin-1 'é'. */
const INVALID_UTF8 = Buffer.from([0xff, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0xe9]);
const PAGE = Buffer.concat([
  Buffer.from('{"count":1,"hits":[{"id":"e1","eventTimestamp":"2024-05-01T00:00:00.000Z","note":"'),
  INVALID_UTF8,
  Buffer.from('"}]}'),
]);
const BIG = Buffer.from(JSON.stringify({ count: 1, hits: [{ id: 'e1', note: 'x'.repeat(200_000) }] }));
/** How long a client may take to give up once its signal is aborted or its connection dropped. */
const PROMPT_MS = 2000;

interface Seen { paths: string[]; authorizationAt: Record<string, string | undefined>; closedEarly: number; throttled: number }

function checkServer(seen: Seen) {
  const held: ServerResponse[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    seen.paths.push(path);
    seen.authorizationAt[path] = req.headers.authorization;
    res.once('close', () => {
      if (!res.writableFinished) seen.closedEarly++;
    });
    const accepted = String(req.headers['accept-encoding'] ?? '');
    switch (path) {
      case '/invalid-utf8':
        return res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': PAGE.length }).end(PAGE);
      case '/throttled':
        return res.writeHead(429, { 'retry-after': '7', 'content-length': 0 }).end();
      case '/throttled-once':
        if (seen.throttled++ === 0) return res.writeHead(429, { 'retry-after': '1', 'content-length': 0 }).end();
        return res.writeHead(200, { 'content-length': PAGE.length }).end(PAGE);
      case '/no-answer':
        held.push(res);
        return;
      case '/half-body':
        res.writeHead(200, { 'content-length': BIG.length }).write(BIG.subarray(0, 1000));
        held.push(res);
        return;
      case '/half-body-gzip': {
        const zipped = gzipSync(BIG);
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': zipped.length }).write(zipped.subarray(0, 100));
        held.push(res);
        return;
      }
      case '/dropped':
        res.writeHead(200, { 'content-length': BIG.length }).write(BIG.subarray(0, 1000), () => res.destroy());
        return;
      case '/dropped-gzip': {
        const zipped = gzipSync(BIG);
        res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': zipped.length }).write(zipped.subarray(0, 100), () => res.destroy());
        return;
      }
      case '/compressed': {
        // The best the client offers, as a server honouring Accept-Encoding would.
        const [encoding, bytes] = /\bbr\b/.test(accepted) ? ['br', brotliCompressSync(PAGE)] : /gzip/.test(accepted) ? ['gzip', gzipSync(PAGE)] : /deflate/.test(accepted) ? ['deflate', deflateSync(PAGE)] : ['identity', PAGE];
        return res.writeHead(200, { 'content-encoding': encoding, 'content-length': bytes.length, 'x-accepted': accepted }).end(bytes);
      }
      case '/redirect-same':
        return res.writeHead(302, { location: '/target', 'content-length': 0 }).end();
      case '/redirect-cross':
        return res.writeHead(302, { location: `http://localhost:${req.socket.localPort}/target`, 'content-length': 0 }).end();
      case '/target':
        return res.writeHead(200, { 'content-length': PAGE.length }).end(PAGE);
      default:
        return res.writeHead(404, { 'content-length': 0 }).end();
    }
  });
  return { server, release: () => held.splice(0).forEach((r) => r.destroy()) };
}

type Outcome = { answer: ClientAnswer; ms: number } | { error: Error; ms: number } | { hung: true };

async function attempt(client: BenchClient, url: URL, options: { abortAfterMs?: number; preAborted?: boolean; waitMs?: number } = {}): Promise<Outcome> {
  const controller = new AbortController();
  if (options.preAborted) controller.abort();
  const began = performance.now();
  const get = client.get(url, { accept: 'application/json', authorization: 'Bearer secret' }, { abortSignal: controller.signal, maxBytes: 64 * 1024 * 1024 });
  if (options.abortAfterMs !== undefined) setTimeout(() => controller.abort(), options.abortAfterMs);
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Outcome>((resolve) => (timer = setTimeout(() => resolve({ hung: true }), options.waitMs ?? PROMPT_MS + (options.abortAfterMs ?? 0))));
  try {
    return await Promise.race([get.then((answer) => ({ answer, ms: performance.now() - began }), (error: Error) => ({ error, ms: performance.now() - began })), hung]);
  } finally {
    clearTimeout(timer);
    if (options.abortAfterMs === undefined) controller.abort(); // a hung request is not left open
  }
}

function described(o: Outcome): string {
  if ('hung' in o) return 'NO ANSWER (still waiting)';
  if ('error' in o) return `rejected after ${o.ms.toFixed(0)} ms: ${o.error.name}: ${o.error.message.slice(0, 90)}`;
  return `HTTP ${o.answer.status}, ${o.answer.body.length} bytes after ${o.ms.toFixed(0)} ms`;
}

function sameBytes(o: Outcome, expected: Buffer): string {
  if (!('answer' in o)) return described(o);
  const body = o.answer.body;
  if (body.equals(expected)) return `byte-exact (${body.length} bytes)`;
  const replacements = body.toString('latin1').split('\xef\xbf\xbd').length - 1;
  return `CHANGED: ${body.length} bytes for ${expected.length}, ${replacements} × U+FFFD (EF BF BD) where the invalid bytes were`;
}

/** Runs every check and prints one line per check and client. Proxy variables are set only around the proxy check. */
export async function runChecks(): Promise<void> {
  const proxyNames = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy', 'NO_PROXY', 'no_proxy'];
  const saved = Object.fromEntries(proxyNames.map((n) => [n, process.env[n]]));
  // core-rest-pipeline reads NO_PROXY once, when its first proxy policy is made: none may exempt loopback here.
  for (const n of proxyNames) delete process.env[n];
  const seen: Seen = { paths: [], authorizationAt: {}, closedEarly: 0, throttled: 0 };
  const { server, release } = checkServer(seen);
  const port = await listen(server);
  const proxySeen: string[] = [];
  const proxy = createServer((req, res) => {
    proxySeen.push(req.url ?? '');
    res.writeHead(200, { 'content-length': 9 }).end('via proxy');
  });
  const proxyPort = await listen(proxy);
  try {
    const at = (path: string) => new URL(`http://127.0.0.1:${port}${path}`);
    const a = getterClient();
    const b = pipelineClient('pipeline stream', auditPipeline(), { body: 'stream' });
    const c = pipelineClient('pipeline text', auditPipeline(), { body: 'text' });
    const stock = pipelineClient('createPipelineFromOptions({}) as the SDKs use it', createPipelineFromOptions({}), { body: 'text', ownAgents: false });
    const bare = pipelineClient('createEmptyPipeline() + createDefaultHttpClient()', createEmptyPipeline(), { body: 'text', ownAgents: false });
    const line = (check: string, client: BenchClient, text: string) => console.log(`check: ${check}: ${client.name}: ${text}`);

    for (const client of [a, b, c]) line('invalid UTF-8 bytes in a string field', client, sameBytes(await attempt(client, at('/invalid-utf8')), PAGE));

    for (const client of [a, b, c]) {
      const o = await attempt(client, at('/throttled'));
      line('429 with Retry-After: 7', client, 'answer' in o ? `HTTP ${o.answer.status}, Retry-After ${JSON.stringify(o.answer.header('retry-after'))}` : described(o));
    }
    seen.throttled = 0;
    const throttledAt = seen.paths.length;
    const retried = await attempt(stock, at('/throttled-once'), { waitMs: 10_000 });
    line('429 with Retry-After: 1, then 200', stock, `${described(retried)}; the server saw ${seen.paths.length - throttledAt} requests (the default retry policy waited itself)`);

    for (const client of [a, b, c]) {
      for (const [what, path, options] of [
        ['abort before the headers', '/no-answer', { abortAfterMs: 100 }],
        ['abort mid-body', '/half-body', { abortAfterMs: 100 }],
        ['abort mid-body (gzip)', '/half-body-gzip', { abortAfterMs: 100 }],
        ['signal already aborted', '/target', { preAborted: true }],
        ['connection dropped mid-body', '/dropped', {}],
        ['connection dropped mid-body (gzip)', '/dropped-gzip', {}],
      ] as const) {
        const closed = seen.closedEarly;
        const o = await attempt(client, at(path), options);
        await new Promise((r) => setTimeout(r, 50)); // the server's side of the close
        const note = path.startsWith('/half') || path === '/no-answer' ? `; server saw the connection closed: ${seen.closedEarly > closed ? 'yes' : 'NO'}` : '';
        line(what, client, `${described(o)}${note}`);
        release();
      }
    }

    for (const client of [a, b, c]) {
      const o = await attempt(client, at('/compressed'));
      line('compressed answer', client, 'answer' in o ? `asked ${JSON.stringify(o.answer.header('x-accepted'))}, got ${o.answer.header('content-encoding')}: ${sameBytes(o, PAGE)}` : described(o));
    }

    for (const client of [a, b, stock, bare]) {
      for (const [what, url] of [['same-origin 302', at('/redirect-same')], ['cross-origin 302', at('/redirect-cross')]] as const) {
        const before = seen.paths.length;
        const o = await attempt(client, url);
        const followed = seen.paths.slice(before).includes('/target');
        line(what, client, `${described(o)}; ${followed ? `FOLLOWED, Authorization at the target: ${seen.authorizationAt['/target'] ? 'sent' : 'dropped'}` : 'not followed'}`);
      }
    }

    process.env.HTTPS_PROXY = `http://127.0.0.1:${proxyPort}`;
    const proxied = [getterClient(), pipelineClient('pipeline stream', auditPipeline(), { body: 'stream' }),
      pipelineClient('createPipelineFromOptions({}) as the SDKs use it', createPipelineFromOptions({}), { body: 'text', ownAgents: false }),
      pipelineClient('createEmptyPipeline() + createDefaultHttpClient()', createEmptyPipeline(), { body: 'text', ownAgents: false })];
    delete process.env.HTTPS_PROXY;
    for (const client of proxied) {
      const before = proxySeen.length;
      const o = await attempt(client, at('/target'));
      line('HTTPS_PROXY set (http:// target)', client, `${described(o)}; ${proxySeen.length > before ? 'WENT THROUGH THE PROXY' : 'direct'}`);
    }
  } finally {
    release();
    await close(server);
    await close(proxy);
    for (const n of proxyNames) if (saved[n] !== undefined) process.env[n] = saved[n];
  }
}
