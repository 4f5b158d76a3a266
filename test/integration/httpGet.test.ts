import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { BodyTooLarge, HttpGetter } from '../../src/adapters/auditApi/httpGet';
import { auditAuth } from '../../src/adapters/auditApi/auditAuth';
import { HttpAuditSource } from '../../src/adapters/auditApi/httpAuditSource';
import { readPage } from '../../src/ndjson/auditPage';
import { systemClock } from '../../src/ports/clock';
import { SecretValue } from '../../src/redact';

// A loopback server whose answer each test sets.
let answer: (res: ServerResponse) => void = (res) => res.end();
let server: Server;
let url: URL;
const seenHeaders: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seenHeaders.push(req.headers);
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/audit?offset=0`);
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const http = new HttpGetter();
const get = (maxBytes = 1 << 20, abortSignal = new AbortController().signal) => http.get(url, { accept: 'application/json' }, { abortSignal, maxBytes });
const page = Buffer.from(JSON.stringify({ count: 2, hits: [{ id: 'a' }, { id: 'é' }] }));

describe('HttpGetter', () => {
  it('reads a 2xx body byte-exact and sends the caller headers', async () => {
    answer = (res) => res.writeHead(200, { 'content-length': page.length }).end(page);
    const got = await get();
    expect(got.status).toBe(200);
    expect(got.body.equals(page)).toBe(true);
    expect(seenHeaders.at(-1)).toMatchObject({ accept: 'application/json', 'accept-encoding': 'gzip, deflate, br' });
  });

  it('reads a chunked body of unknown length, growing its buffer', async () => {
    const big = Buffer.alloc(200_000, 0x61);
    answer = (res) => {
      res.writeHead(200);
      for (let at = 0; at < big.length; at += 30_000) res.write(big.subarray(at, at + 30_000));
      res.end();
    };
    expect((await get()).body.equals(big)).toBe(true);
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
  ] as const)('decodes a %s body', async (encoding, encode) => {
    const packed = encode(page);
    answer = (res) => res.writeHead(200, { 'content-encoding': encoding, 'content-length': packed.length }).end(packed);
    expect((await get()).body.equals(page)).toBe(true);
  });

  it('hands back a non-2xx status and its headers, without the body', async () => {
    answer = (res) => res.writeHead(429, { 'retry-after': '7' }).end('slow down');
    const got = await get();
    expect([got.status, got.headers['retry-after'], got.body.length]).toEqual([429, '7', 0]);
  });

  it('refuses a body over the limit, declared or streamed', async () => {
    answer = (res) => res.writeHead(200, { 'content-length': page.length }).end(page);
    await expect(get(10)).rejects.toBeInstanceOf(BodyTooLarge);
    const packed = gzipSync(Buffer.alloc(100_000));
    answer = (res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(packed);
    await expect(get(50_000)).rejects.toBeInstanceOf(BodyTooLarge);
  });

  it('fails when the connection drops before the declared length arrived', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-length': page.length });
      res.write(page.subarray(0, 5), () => res.destroy());
    };
    await expect(get()).rejects.toMatchObject({ message: 'aborted', code: 'ECONNRESET' }); // the socket's reset, as node:http reports it
  });

  it('stops when the signal aborts', async () => {
    const controller = new AbortController();
    answer = () => controller.abort(); // the request is in the server's hands, and no answer comes
    await expect(get(1 << 20, controller.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('refuses an unknown content-encoding', async () => {
    answer = (res) => res.writeHead(200, { 'content-encoding': 'zstd' }).end(page);
    await expect(get()).rejects.toThrow(/content-encoding "zstd"/);
  });
});

describe('HttpAuditSource: answers it will not use', () => {
  const source = () =>
    new HttpAuditSource({
      baseUrl: url.origin,
      kind: 'immuta-uam',
      auth: auditAuth({ mode: 'bearer', baseUrl: url.origin, apiKey: new SecretValue('key-that-must-stay-here'), requestTimeoutMs: 5_000 }),
      requestTimeoutMs: 5_000,
      retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 1 },
      pageBuffers: 1,
      http,
      clock: systemClock,
      logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
    });
  const window = { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T01:00:00Z') };
  const fetchOnce = () => readPage(source(), { window, from: window.start, to: window.end, offset: 0, size: 10 }, { abortSignal: new AbortController().signal }).catch((e: unknown) => e);

  it('refuses a page over 512 MiB from its declared length, naming AUDIT_PAGE_SIZE, without retrying', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-length': String(600 * 1024 * 1024) });
      res.write('{"count":'); // the rest never comes: the declared length is enough to refuse
    };
    const before = seenHeaders.length;
    const error = await fetchOnce();
    expect(error).toMatchObject({ code: 'InvalidPage', kind: 'permanent' });
    expect((error as Error).message).toMatch(/larger than 512 MiB .* lower AUDIT_PAGE_SIZE/);
    expect(seenHeaders.length - before).toBe(1);
  });

  it('does not follow a redirect and names where it points, without the query, as a permanent error', async () => {
    answer = (res) => res.writeHead(301, { location: 'https://audit.example.invalid/api/audit?token=s3cr3t' }).end();
    const before = seenHeaders.length;
    const error = await fetchOnce();
    expect(error).toMatchObject({ code: 'AuditApiRedirected', kind: 'permanent' });
    expect((error as Error).message).toContain('redirecting to https://audit.example.invalid/api/audit; set AUDIT_API_URL');
    expect((error as Error).message).not.toContain('s3cr3t');
    expect(seenHeaders.length - before).toBe(1); // asked once: permanent, not retried, and nothing sent elsewhere
  });

  it('asks again for an answer that is not a valid page, within its retries', async () => {
    const event = { id: 'a', eventTimestamp: '2026-01-01T00:00:01Z' };
    const good = JSON.stringify({ count: 1, hits: [event] });
    const bodies = [good.slice(0, 30), good];
    answer = (res) => res.end(bodies.shift());
    const before = seenHeaders.length;
    const got = await readPage(source(), { window, from: window.start, to: window.end, offset: 0, size: 10 }, { abortSignal: new AbortController().signal });
    expect([got.count, got.ndjson.toString()]).toEqual([1, `${JSON.stringify(event)}\n`]);
    expect(seenHeaders.length - before).toBe(2);
  });
});
