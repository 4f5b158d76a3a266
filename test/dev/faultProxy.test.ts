// The fault proxy over real loopback HTTP: @azure/storage-blob and raw fetch through the proxy in front
// of an in-memory Azurite, checked against Azurite directly. Clients never retry (maxTries 1), so each
// injected fault is seen exactly once.
import { randomBytes } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { BlobSASPermissions, BlobServiceClient, ContainerClient, ContainerSASPermissions, RestError } from '@azure/storage-blob';
import { startAzurite, type Azurite } from '../../dev/azurite';
import { startFaultProxy, viaProxy, type FaultProxy } from '../../dev/faultProxy';
import { RuleBook, parseRules } from '../../dev/faultProxy/rules';
import { close, listen, readBody } from '../../dev/http/server';

const CONTAINER = 'faults';
const HOUR = 3600_000;
const noRetry = { retryOptions: { maxTries: 1 } };

let azurite: Azurite;
let proxy: FaultProxy;
let viaContainer: ContainerClient; // through the proxy
let direct: ContainerClient; // straight to Azurite
let counter = 0;

function connectionString(blobEndpoint: string): string {
  return `DefaultEndpointsProtocol=http;AccountName=${azurite.accountName};AccountKey=${azurite.accountKey};BlobEndpoint=${blobEndpoint};`;
}

function name(prefix = 'b'): string {
  return `${prefix}-${++counter}.bin`;
}

/** Whatever the call threw (fails the test if it did not throw). */
async function failure(promise: Promise<unknown>): Promise<any> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to fail');
}

async function sasUrl(blob: string, permissions = 'racwd'): Promise<string> {
  return viaContainer.getBlobClient(blob).generateSasUrl({ permissions: BlobSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + HOUR) });
}

beforeAll(async () => {
  azurite = await startAzurite();
  proxy = await startFaultProxy({ target: `http://127.0.0.1:${azurite.port}` });
  direct = BlobServiceClient.fromConnectionString(azurite.connectionString, noRetry).getContainerClient(CONTAINER);
  viaContainer = BlobServiceClient.fromConnectionString(connectionString(viaProxy(azurite.blobEndpoint, proxy)), noRetry).getContainerClient(CONTAINER);
  await direct.create();
});

afterAll(async () => {
  await proxy?.stop();
  await azurite?.stop();
});

afterEach(() => proxy.clearRules());

describe('pass-through', () => {
  test('the SDK client really goes through the proxy', () => {
    expect(viaContainer.url).toBe(`${proxy.url}/devstoreaccount1/${CONTAINER}`);
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
  });

  test('upload, download and list round trip byte-identical, concurrently', async () => {
    const blobs = Array.from({ length: 6 }, (_, i) => ({ name: name('rt'), data: randomBytes(i === 0 ? 3 * 1024 * 1024 + 7 : 1000 * i) }));
    const uploads = await Promise.all(blobs.map((b) => viaContainer.getBlockBlobClient(b.name).uploadData(b.data)));
    const viaReads = await Promise.all(blobs.map((b) => viaContainer.getBlobClient(b.name).downloadToBuffer()));
    const directReads = await Promise.all(blobs.map((b) => direct.getBlobClient(b.name).downloadToBuffer()));
    blobs.forEach((b, i) => {
      expect(viaReads[i]!.equals(b.data)).toBe(true);
      expect(directReads[i]!.equals(b.data)).toBe(true);
    });
    // Response headers come through: the upload's ETag is the stored blob's.
    const props = await direct.getBlobClient(blobs[0]!.name).getProperties();
    expect(uploads[0]!.etag).toBe(props.etag);

    const listed: string[] = [];
    for await (const item of viaContainer.listBlobsFlat({ prefix: 'rt-' })) listed.push(item.name);
    expect(listed.sort()).toEqual(blobs.map((b) => b.name).sort());
    expect(proxy.stats().faulted).toBe(0);
    expect(proxy.stats().requests).toBeGreaterThanOrEqual(blobs.length * 2 + 1);
  });

  test('raw fetch: status, body and headers equal a direct request to Azurite', async () => {
    const blob = name('raw');
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('raw bytes \u00e9\n'), { metadata: { k: 'v' } });
    const listSas = await viaContainer.generateSasUrl({ permissions: ContainerSASPermissions.parse('rl'), expiresOn: new Date(Date.now() + HOUR) });
    for (const url of [`${listSas}&restype=container&comp=list&prefix=raw-`, await sasUrl(blob, 'r')]) {
      const [a, b] = await Promise.all([fetch(url), fetch(url.replace(proxy.url, `http://127.0.0.1:${azurite.port}`))]);
      expect(a.status).toBe(b.status);
      expect(a.status).toBe(200);
      expect(Buffer.from(await a.arrayBuffer()).equals(Buffer.from(await b.arrayBuffer()))).toBe(true);
      const strip = (h: Headers) => [...h].filter(([k]) => !['date', 'x-ms-request-id', 'connection', 'keep-alive'].includes(k));
      expect(strip(a.headers)).toEqual(strip(b.headers));
    }
  });

  test('forwards method, path+query, repeated headers and a chunked body unchanged; only Host is rewritten', async () => {
    let seen: { method?: string; url?: string; headers: IncomingHttpHeaders; raw: string[]; body: Buffer } | undefined;
    const echo: Server = createServer(async (req, res) => {
      seen = { method: req.method, url: req.url, headers: req.headers, raw: req.rawHeaders, body: await readBody(req) };
      res.writeHead(207, 'Custom Reason', [['x-twice', 'a'], ['x-twice', 'b'], ['content-type', 'application/octet-stream']].flat());
      res.write(Buffer.from([0, 1, 2]));
      res.end(Buffer.from([255, 254]));
    });
    const echoPort = await listen(echo);
    const echoProxy = await startFaultProxy({ target: `http://127.0.0.1:${echoPort}` });
    try {
      const body = randomBytes(100_000);
      const answer = await new Promise<{ status?: number; message?: string; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = request(`${echoProxy.url}/a%20b/c?x=1&sig=a%2Bb%3D&x=2`, { method: 'PATCH', headers: [['host', `127.0.0.1:${echoProxy.port}`], ['x-rep', '1'], ['x-rep', '2'], ['x-ms-meta-k', 'v']].flat() as any }, (res) => {
          readBody(res).then((b) => resolve({ status: res.statusCode, message: res.statusMessage, headers: res.headers, body: b }), reject);
        });
        req.on('error', reject); // (raw header arrays get no automatic Host, hence the explicit one)
        req.write(body.subarray(0, 40_000)); // no Content-Length: sent chunked
        req.end(body.subarray(40_000));
      });
      expect(answer.status).toBe(207);
      expect(seen!.method).toBe('PATCH');
      expect(seen!.url).toBe('/a%20b/c?x=1&sig=a%2Bb%3D&x=2');
      expect(seen!.headers.host).toBe(`127.0.0.1:${echoPort}`);
      expect(seen!.headers['transfer-encoding']).toBe('chunked');
      expect(seen!.headers['x-ms-meta-k']).toBe('v');
      expect(seen!.raw.filter((_, i, all) => i % 2 === 1 && all[i - 1]!.toLowerCase() === 'x-rep')).toEqual(['1', '2']);
      expect(seen!.body.equals(body)).toBe(true);
      expect(answer.status).toBe(207);
      expect(answer.message).toBe('Custom Reason');
      expect(answer.headers['x-twice']).toBe('a, b');
      expect(answer.body.equals(Buffer.from([0, 1, 2, 255, 254]))).toBe(true);
    } finally {
      await echoProxy.stop();
      await close(echo);
    }
  });

  test('an unreachable target is a 502 from the proxy', async () => {
    const dead = createServer();
    const deadPort = await listen(dead);
    await close(dead);
    const lonely = await startFaultProxy({ target: `http://127.0.0.1:${deadPort}` });
    try {
      const res = await fetch(`${lonely.url}/anything`);
      expect(res.status).toBe(502);
    } finally {
      await lonely.stop();
    }
  });
});

describe('faults', () => {
  test('status 503 with Retry-After: the SDK sees RestError 503 ServerBusy and nothing is written', async () => {
    const blob = name('busy');
    proxy.setRules([{ method: 'PUT', pathIncludes: blob, fault: 'status', status: 503, retryAfterSeconds: 7 }]);
    const error = await failure(viaContainer.getBlockBlobClient(blob).uploadData(Buffer.from('never stored')));
    expect(error).toBeInstanceOf(RestError);
    expect(error.statusCode).toBe(503);
    expect(error.code).toBe('ServerBusy');
    expect(error.response.headers.get('retry-after')).toBe('7');
    expect(await direct.getBlobClient(blob).exists()).toBe(false);
    expect(proxy.stats()).toEqual({ requests: 1, faulted: 1, byRule: [1] });
  });

  test('status answers look like Azure Storage errors (raw), HEAD without a body', async () => {
    const blob = name('raw-err');
    const url = await sasUrl(blob);
    proxy.setRules([
      { method: 'GET', fault: 'status', status: 500 },
      { method: 'GET', fault: 'status', status: 504 },
      { method: 'HEAD', fault: 'status', status: 503 },
    ]);
    const a = await fetch(url);
    expect(a.status).toBe(500);
    expect(a.headers.get('x-ms-error-code')).toBe('InternalError');
    expect(a.headers.get('content-type')).toBe('application/xml');
    expect(a.headers.get('retry-after')).toBeNull();
    expect(await a.text()).toMatch(/^<\?xml version="1\.0" encoding="utf-8"\?><Error><Code>InternalError<\/Code><Message>[^<]+<\/Message><\/Error>$/);
    const b = await fetch(url);
    expect([b.status, b.headers.get('x-ms-error-code')]).toEqual([504, 'OperationTimedOut']);
    expect(await b.text()).toContain('<Code>OperationTimedOut</Code>');
    const c = await fetch(url, { method: 'HEAD' });
    expect([c.status, c.headers.get('x-ms-error-code')]).toEqual([503, 'ServerBusy']);
    expect((await c.arrayBuffer()).byteLength).toBe(0);
    // A 'status' answer drains the body and keeps the upload unwritten.
    proxy.setRules([{ method: 'PUT', fault: 'status', status: 500 }]);
    const put = await fetch(url, { method: 'PUT', headers: { 'x-ms-blob-type': 'BlockBlob' }, body: randomBytes(200_000) });
    expect(put.status).toBe(500);
    await put.arrayBuffer();
    expect(await direct.getBlobClient(blob).exists()).toBe(false);
  });

  test('reset-before: the client gets a connection error and the blob does not exist', async () => {
    const blob = name('reset-before');
    proxy.setRules([{ method: 'PUT', pathIncludes: blob, fault: 'reset-before' }]);
    const error = await failure(viaContainer.getBlockBlobClient(blob).uploadData(Buffer.from('lost before')));
    expect(error.statusCode).toBeUndefined(); // no HTTP answer at all
    expect(await direct.getBlobClient(blob).exists()).toBe(false);
    expect(proxy.stats().byRule).toEqual([1]);
    // The proxy is fine afterwards (count 1 used up).
    await viaContainer.getBlockBlobClient(blob).uploadData(Buffer.from('second try'));
    expect((await direct.getBlobClient(blob).downloadToBuffer()).toString()).toBe('second try');
  });

  test('reset-after: the client gets a connection error but the upload DID happen', async () => {
    const blob = name('reset-after');
    const data = randomBytes(300_000);
    proxy.setRules([{ method: 'PUT', pathIncludes: blob, fault: 'reset-after' }]);
    const error = await failure(viaContainer.getBlockBlobClient(blob).uploadData(data));
    expect(error.statusCode).toBeUndefined();
    expect((await direct.getBlobClient(blob).downloadToBuffer()).equals(data)).toBe(true);
    expect(proxy.stats()).toEqual({ requests: 1, faulted: 1, byRule: [1] });
  });

  test('reset-after on raw fetch: the response is lost even though the read succeeded upstream', async () => {
    const blob = name('lost');
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('x'));
    proxy.setRules([{ method: 'GET', fault: 'reset-after' }]);
    const error = await failure(fetch(await sasUrl(blob, 'r')));
    expect(error.message).toBe('fetch failed'); // undici: the socket closed before any answer
    expect(proxy.stats().byRule).toEqual([1]);
  });

  test('delay: a client timeout fires while the proxy waits; a patient client gets the answer', async () => {
    const blob = name('slow');
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('slow bytes'));
    const url = await sasUrl(blob, 'r');
    proxy.setRules([{ method: 'GET', fault: 'delay', delayMs: 600_000 }]);
    const client = new AbortController();
    const impatient = failure(fetch(url, { signal: client.signal }));
    await proxy.whenFaulted(); // the proxy holds the request
    client.abort(new DOMException('the client gave up', 'TimeoutError'));
    expect((await impatient).name).toBe('TimeoutError');

    proxy.setRules([{ method: 'GET', fault: 'delay', delayMs: 400 }]);
    const started = Date.now();
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    expect(await res.text()).toBe('slow bytes');
    expect(Date.now() - started).toBeGreaterThanOrEqual(380);
    expect(proxy.stats().byRule).toEqual([1]);
  });

  test('forwardDelayed lets a held request through at once', async () => {
    const blob = name('held');
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('held bytes'));
    proxy.setRules([{ method: 'GET', fault: 'delay', delayMs: 600_000 }]);
    const answer = fetch(await sasUrl(blob, 'r'));
    await proxy.whenFaulted();
    proxy.forwardDelayed();
    expect(await (await answer).text()).toBe('held bytes');
  });

  test('delay with the SDK: abortSignal aborts the upload', async () => {
    const blob = name('slow-put');
    proxy.setRules([{ method: 'PUT', pathIncludes: blob, fault: 'delay', delayMs: 600_000 }]);
    const client = new AbortController();
    const upload = failure(viaContainer.getBlockBlobClient(blob).uploadData(Buffer.from('late'), { abortSignal: client.signal }));
    await proxy.whenFaulted();
    client.abort();
    expect((await upload).name).toBe('AbortError');
    expect(await direct.getBlobClient(blob).exists()).toBe(false); // nothing forwarded after the client left
  });
});

describe('rules and budgets', () => {
  test('skip 1, count 2: the 1st passes, the 2nd and 3rd fail, the 4th passes; stats count it', async () => {
    const blob = name('budget');
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('budget'));
    const url = await sasUrl(blob, 'r');
    proxy.setRules([
      { method: 'PUT', fault: 'reset-before', count: 100 }, // never matches a GET
      { method: 'GET', pathIncludes: blob, fault: 'status', status: 500, skip: 1, count: 2 },
    ]);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(url);
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 500, 500, 200]);
    expect(proxy.stats()).toEqual({ requests: 4, faulted: 2, byRule: [0, 2] });
    proxy.clearRules();
    expect(proxy.stats()).toEqual({ requests: 0, faulted: 0, byRule: [] });
  });

  test('whenFaulted resolves once the nth fault is injected, at once if it already was', async () => {
    const blob = name('when');
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('when'));
    const url = await sasUrl(blob, 'r');
    proxy.setRules([{ method: 'GET', pathIncludes: blob, fault: 'status', status: 503, skip: 1, count: 2 }]);
    const seen: string[] = [];
    const second = proxy.whenFaulted(2).then(() => seen.push(`2nd fault, after ${proxy.stats().requests} requests`));
    for (let i = 0; i < 3; i++) {
      const res = await fetch(url);
      await res.arrayBuffer();
      seen.push(`answer ${res.status}`);
    }
    await second;
    expect(seen).toEqual(['answer 200', 'answer 503', '2nd fault, after 3 requests', 'answer 503']);
    await proxy.whenFaulted(1); // already: resolves
  });

  test('query matching: { comp: "block" } hits Put Block only, not Put Blob or Put Block List', async () => {
    const blob = name('blocks');
    const client = viaContainer.getBlockBlobClient(blob);
    proxy.setRules([{ query: { comp: 'block' }, fault: 'status', status: 500 }]);
    await client.uploadData(Buffer.from('single put')); // Put Blob: no comp
    expect(proxy.stats().faulted).toBe(0);
    const id = Buffer.from('block-0').toString('base64');
    const error = await failure(client.stageBlock(id, Buffer.from('staged'), 6));
    expect([error.statusCode, error.code]).toEqual([500, 'InternalError']);
    await client.stageBlock(id, Buffer.from('staged'), 6); // count 1 used up
    await client.commitBlockList([id]); // comp=blocklist does not match
    expect((await direct.getBlobClient(blob).downloadToBuffer()).toString()).toBe('staged');
    expect(proxy.stats()).toEqual({ requests: 4, faulted: 1, byRule: [1] });
  });

  test('method matching: a HEAD rule fails getProperties but not download', async () => {
    const blob = name('method');
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('method'));
    const client = viaContainer.getBlobClient(blob);
    proxy.setRules([{ method: 'head', fault: 'status', status: 500, count: 5 }]);
    const download = await client.download(); // GET only (downloadToBuffer would HEAD first)
    expect(download.contentLength).toBe(6);
    download.readableStreamBody!.resume();
    const error = await failure(client.getProperties());
    expect(error.statusCode).toBe(500);
    expect(proxy.stats().byRule).toEqual([1]);
  });

  test('pathIncludes matches the raw or the decoded path', async () => {
    const blob = 'dir one/ä file.bin';
    await direct.getBlockBlobClient(blob).uploadData(Buffer.from('x'));
    proxy.setRules([
      { pathIncludes: 'dir one/ä', fault: 'status', status: 404 },
      { pathIncludes: 'dir%20one', fault: 'status', status: 412 },
    ]);
    const client = viaContainer.getBlobClient(blob);
    expect((await failure(client.downloadToBuffer())).statusCode).toBe(404);
    expect((await failure(client.downloadToBuffer())).statusCode).toBe(412);
    expect((await client.downloadToBuffer()).toString()).toBe('x');
  });

  test('RuleBook: later rules decide while an earlier one skips; counters reset on set', () => {
    const book = new RuleBook();
    const req = { method: 'GET', path: '/a/b', query: new URLSearchParams('comp=list') };
    book.set([
      { pathIncludes: '/a', fault: 'status', skip: 1 },
      { query: { comp: 'list' }, fault: 'reset-before', count: Infinity },
    ]);
    const picks = Array.from({ length: 4 }, () => book.decide(req)?.index);
    expect(picks).toEqual([1, 0, 1, 1]);
    expect(book.stats()).toEqual({ requests: 4, faulted: 4, byRule: [1, 3] });
    expect(book.decide({ ...req, query: new URLSearchParams('comp=block') })).toBeUndefined();
    book.set([]);
    expect(book.stats()).toEqual({ requests: 0, faulted: 0, byRule: [] });
  });

  test('invalid rules are refused with a reason', () => {
    expect(() => parseRules([{ fault: 'explode' }])).toThrow(/fault must be one of/);
    expect(() => parseRules([{ fault: 'status', pathInclude: 'x' }])).toThrow(/pathInclude is not a rule setting/);
    expect(() => parseRules([{ fault: 'delay' }])).toThrow(/delayMs is required/);
    expect(() => parseRules([{ fault: 'status', status: 200 }])).toThrow(/status must be/);
    expect(() => parseRules([{ fault: 'status', query: { comp: 1 } }])).toThrow(/query.comp must be a string/);
    expect(() => parseRules({})).toThrow(/array/);
    expect(() => proxy.setRules([{ fault: 'status', count: -1 }])).toThrow(/count/);
  });

  test('viaProxy swaps only the origin and keeps path and query verbatim', () => {
    expect(viaProxy('http://127.0.0.1:10000/devstoreaccount1/c/a%20b?sv=1&sig=a%2Bb%3D', proxy)).toBe(
      `${proxy.url}/devstoreaccount1/c/a%20b?sv=1&sig=a%2Bb%3D`,
    );
    expect(viaProxy('http://127.0.0.1:10000', proxy)).toBe(proxy.url);
  });

  test('the target must be a loopback http origin', async () => {
    await expect(startFaultProxy({ target: 'http://127.0.0.1:1/devstoreaccount1' })).rejects.toThrow(/origin/);
    await expect(startFaultProxy({ target: 'http://192.0.2.1:80' })).rejects.toThrow(/loopback/);
  });
});
