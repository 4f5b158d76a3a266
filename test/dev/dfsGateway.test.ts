// End-to-end tests of the local dfs gateway: real @azure/storage-file-datalake clients against
// the gateway in front of an in-memory Azurite.
//
// Wire facts checked here (SDK storage-file-datalake 12.29.0, storage-blob 12.32.0):
// - DataLakeFileClient.append(..., { transactionalContentMD5 }) does NOT put Content-MD5 (nor
//   x-ms-content-md5) on the wire: the SDK stores it in pathHttpHeaders.contentMD5, which the append
//   operation never serialises. The "SDK MD5 is not sent" test proves it: a wrong MD5 passes.
//   Content-MD5 verification is therefore tested with raw requests.
// - dfs DELETE sends `Accept: application/json` and `paginated=false` (+ `recursive` for
//   directories); blob DELETE sends `Accept: application/xml` and neither parameter.
// - SAS from generateSasUrl carry sv=2026-02-06 (the SDK's service version); Azurite 3.35
//   validates that version's string-to-sign, so no pinning is needed.
import { createHash } from 'node:crypto';
import { BlobServiceClient, ContainerClient, StorageSharedKeyCredential as BlobKey } from '@azure/storage-blob';
import {
  AnonymousCredential,
  DataLakeFileSystemClient,
  FileSystemSASPermissions,
  StorageSharedKeyCredential,
  newPipeline,
} from '@azure/storage-file-datalake';
import { startAzurite, type Azurite } from '../../dev/azurite';
import { startDfsGateway, type DfsGateway } from '../../dev/dfs';

let azurite: Azurite;
let gateway: DfsGateway;
let key: StorageSharedKeyCredential;
let fs: DataLakeFileSystemClient; // SAS racwdl on "fs1"
let azuriteContainer: ContainerClient; // straight to Azurite, account key
let counter = 0;

const FS = 'fs1';
const HOUR = 3600_000;
const noRetry = { retryOptions: { maxTries: 1 } };

beforeAll(async () => {
  azurite = await startAzurite();
  gateway = await startDfsGateway({
    azuriteBlobEndpoint: azurite.blobEndpoint,
    accountName: azurite.accountName,
    accountKey: azurite.accountKey,
  });
  key = new StorageSharedKeyCredential(azurite.accountName, azurite.accountKey);
  const blobService = new BlobServiceClient(azurite.blobEndpoint, new BlobKey(azurite.accountName, azurite.accountKey), noRetry);
  azuriteContainer = blobService.getContainerClient(FS);
  await azuriteContainer.create();
  fs = await sasFileSystem(FS, 'racwdl');
});

afterAll(async () => {
  await gateway?.stop();
  await azurite?.stop();
});

async function sasUrl(filesystem: string, options: Parameters<DataLakeFileSystemClient['generateSasUrl']>[0]): Promise<string> {
  return new DataLakeFileSystemClient(`${gateway.dfsEndpoint}/${filesystem}`, key).generateSasUrl(options);
}

async function sasFileSystem(filesystem: string, permissions: string, expiresOn = new Date(Date.now() + HOUR)) {
  const url = await sasUrl(filesystem, { permissions: FileSystemSASPermissions.parse(permissions), expiresOn });
  return clientFor(url);
}

function clientFor(url: string): DataLakeFileSystemClient {
  return new DataLakeFileSystemClient(url, newPipeline(new AnonymousCredential(), noRetry));
}

function name(prefix = 'f'): string {
  return `${prefix}${++counter}.ndjson`;
}

/** A RestError's status, body code and x-ms-error-code header (some operations' `details` lack it). */
async function rest(promise: Promise<unknown>): Promise<{ statusCode?: number; code?: string; errorCode?: string }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; response?: { headers: { get(n: string): string | undefined } } };
    return { statusCode: err.statusCode, code: err.code, errorCode: err.response?.headers.get('x-ms-error-code') };
  }
  throw new Error('expected the call to fail');
}

/** A raw request against a path of the SAS file system client `fs`. */
function raw(path: string, query: string, init: RequestInit): Promise<Response> {
  const url = new URL(fs.getFileClient(path).url);
  url.search += `&${query}`;
  return fetch(url, init);
}

describe('round trip', () => {
  it('creates, appends out of order, flushes and reads back through the gateway and Azurite', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    await file.append(Buffer.from('world'), 5, 5);
    await file.append(Buffer.from('hello'), 0, 5);
    await file.append(Buffer.from('!\n'), 10, 2);
    const flushed = await file.flush(12);
    expect(flushed.etag).toBeTruthy();
    expect((await file.readToBuffer()).toString()).toBe('helloworld!\n');
    expect((await file.getProperties()).contentLength).toBe(12);

    await file.append(Buffer.from('more\n'), 12, 5);
    await file.flush(17, { close: true });
    const direct = await azuriteContainer.getBlobClient(file.name).downloadToBuffer();
    expect(direct.toString()).toBe('helloworld!\nmore\n');
    const read = await file.read(12);
    expect(read.contentLength).toBe(5);
  });

  it('upload() (create + append + flush) and a flush:true append', async () => {
    const file = fs.getFileClient(name());
    await file.upload(Buffer.from('abc'));
    const res = await file.append(Buffer.from('def'), 3, 3, { flush: true });
    expect(res._response.status).toBe(202);
    expect((await file.readToBuffer()).toString()).toBe('abcdef');
  });

  it('keeps metadata and content headers across flushes and takes new ones from the flush', async () => {
    const file = fs.getFileClient(name());
    await file.create({ metadata: { source: 'audit' }, pathHttpHeaders: { contentType: 'application/x-ndjson' } });
    await file.append(Buffer.from('{}\n'), 0, 3);
    await file.flush(3);
    let props = await file.getProperties();
    expect(props.metadata).toEqual({ source: 'audit' });
    expect(props.contentType).toBe('application/x-ndjson');
    await file.flush(3, { pathHttpHeaders: { contentType: 'text/plain', cacheControl: 'no-cache' } });
    props = await file.getProperties();
    expect([props.contentType, props.cacheControl, props.metadata?.source]).toEqual(['text/plain', 'no-cache', 'audit']);
  });
});

describe('position rules', () => {
  it('refuses a non-contiguous flush with 400 InvalidFlushPosition', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    await file.append(Buffer.from('aaaaa'), 0, 5);
    await file.append(Buffer.from('ccccc'), 10, 5);
    expect(await rest(file.flush(15))).toEqual({ statusCode: 400, code: 'InvalidFlushPosition', errorCode: 'InvalidFlushPosition' });
    expect(await rest(file.flush(7))).toMatchObject({ statusCode: 400, code: 'InvalidFlushPosition' });
    expect((await azuriteContainer.getBlobClient(file.name).getProperties()).contentLength).toBe(0);
  });

  it('a flush at the current length with nothing staged succeeds and changes no content', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    await file.append(Buffer.from('12345'), 0, 5);
    const first = await file.flush(5);
    const second = await file.flush(5);
    expect(second._response.status).toBe(200);
    expect(second.etag).not.toBe(first.etag); // the commit really happened
    expect((await file.readToBuffer()).toString()).toBe('12345');
    expect((await fs.getFileClient(name()).create()).etag).toBeTruthy();
  });

  it('retainUncommittedData=false drops a stray staged block', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    await file.append(Buffer.from('abc'), 0, 3);
    await file.append(Buffer.from('def'), 3, 3);
    await file.flush(3);
    expect(await rest(file.flush(6))).toMatchObject({ statusCode: 400, code: 'InvalidFlushPosition' });
    expect((await file.readToBuffer()).toString()).toBe('abc');
  });

  it('retainUncommittedData=true is refused (501) only when data lies beyond position', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    await file.append(Buffer.from('abc'), 0, 3);
    await file.append(Buffer.from('def'), 3, 3);
    const refused = await rest(file.flush(3, { retainUncommittedData: true }));
    expect(refused).toMatchObject({ statusCode: 501, code: 'NotImplemented' });
    await file.flush(6, { retainUncommittedData: true });
    expect((await file.readToBuffer()).toString()).toBe('abcdef');
  });

  it('refuses an append below the committed length', async () => {
    const file = fs.getFileClient(name());
    await file.upload(Buffer.from('0123456789'));
    expect(await rest(file.append(Buffer.from('x'), 9, 1))).toMatchObject({ statusCode: 400, code: 'InvalidFlushPosition' });
    expect(await rest(file.append(Buffer.from('x'), 20, 1, { flush: true }))).toMatchObject({ statusCode: 400, code: 'InvalidFlushPosition' });
    expect((await file.readToBuffer()).toString()).toBe('0123456789');
  });

  it('re-creating a file discards its staged blocks', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    await file.append(Buffer.from('xyz'), 0, 3);
    await file.create(); // overwrite
    expect(await rest(file.flush(3))).toMatchObject({ statusCode: 400, code: 'InvalidFlushPosition' });
    await file.flush(0);
    expect((await file.getProperties()).contentLength).toBe(0);
  });

  it('refuses dfs writes to content written through the Blob API with 409 InvalidFlushOperation', async () => {
    const blobName = name('blob');
    await azuriteContainer.getBlockBlobClient(blobName).upload('plain blob', 10);
    const file = fs.getFileClient(blobName);
    expect(await rest(file.append(Buffer.from('x'), 10, 1))).toMatchObject({ statusCode: 409, code: 'InvalidFlushOperation' });
    expect(await rest(file.flush(10))).toMatchObject({ statusCode: 409, code: 'InvalidFlushOperation' });
  });
});

describe('conditions and existence', () => {
  it('createIfNotExists reports an existing path; If-None-Match:* gives 409 PathAlreadyExists', async () => {
    const file = fs.getFileClient(name());
    expect((await file.createIfNotExists()).succeeded).toBe(true);
    expect((await file.createIfNotExists()).succeeded).toBe(false);
    const err = await rest(file.create({ conditions: { ifNoneMatch: '*' } }));
    expect(err).toEqual({ statusCode: 409, code: 'PathAlreadyExists', errorCode: 'PathAlreadyExists' });
  });

  it('flush honours If-Match (412 ConditionNotMet on mismatch)', async () => {
    const file = fs.getFileClient(name());
    const created = await file.create();
    await file.append(Buffer.from('abc'), 0, 3);
    const err = await rest(file.flush(3, { conditions: { ifMatch: '"0x8D000000000000"' } }));
    expect(err).toMatchObject({ statusCode: 412, code: 'ConditionNotMet' });
    await file.flush(3, { conditions: { ifMatch: created.etag } });
    expect((await file.readToBuffer()).toString()).toBe('abc');
  });

  it('404 PathNotFound for a missing path, 404 FilesystemNotFound for a missing file system', async () => {
    expect(await rest(fs.getFileClient(name()).append(Buffer.from('x'), 0, 1))).toMatchObject({ statusCode: 404, code: 'PathNotFound' });
    expect(await rest(fs.getFileClient(name()).flush(0))).toMatchObject({ statusCode: 404, code: 'PathNotFound' });
    const missing = await sasFileSystem('nosuchfs', 'racwdl');
    expect(await rest(missing.getFileClient('a').create())).toMatchObject({ statusCode: 404, code: 'FilesystemNotFound' });
    expect(await rest(missing.getFileClient('a').append(Buffer.from('x'), 0, 1))).toMatchObject({
      statusCode: 404,
      code: 'FilesystemNotFound',
    });
  });
});

describe('raw requests', () => {
  const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');

  it('verifies Content-MD5 on append and echoes it', async () => {
    const path = name();
    await fs.getFileClient(path).create();
    const body = Buffer.from('checked');
    const bad = await raw(path, 'action=append&position=0', { method: 'PATCH', body, headers: { 'content-md5': md5(Buffer.from('other')) } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('x-ms-error-code')).toBe('Md5Mismatch');
    expect(bad.headers.get('content-type')).toBe('application/json;charset=utf-8');
    const json = (await bad.json()) as { error: { code: string; message: string } };
    expect(json.error.code).toBe('Md5Mismatch');
    expect(json.error.message).toMatch(/\nRequestId:[0-9a-f-]{36}\nTime:\d{4}-/);
    expect(bad.headers.get('x-ms-request-id')).toBeTruthy();

    const good = await raw(path, 'action=append&position=0', { method: 'PATCH', body, headers: { 'content-md5': md5(body) } });
    expect(good.status).toBe(202);
    expect(good.headers.get('content-md5')).toBe(md5(body));
    expect(good.headers.get('x-ms-request-server-encrypted')).toBe('true');
    await fs.getFileClient(path).flush(body.length);
    expect((await fs.getFileClient(path).readToBuffer()).toString()).toBe('checked');
  });

  it('the SDK does not send transactionalContentMD5 (a wrong one passes)', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    const res = await file.append(Buffer.from('abc'), 0, 3, { transactionalContentMD5: createHash('md5').update('zzz').digest() });
    expect(res._response.status).toBe(202);
    expect(res._response.request.headers.get('content-md5')).toBeUndefined();
  });

  it('validates query parameters and the flush body', async () => {
    const path = name();
    await fs.getFileClient(path).create();
    const missing = await raw(path, 'action=append', { method: 'PATCH', body: 'x' });
    expect([missing.status, missing.headers.get('x-ms-error-code')]).toEqual([400, 'MissingRequiredQueryParameter']);
    const invalid = await raw(path, 'action=flush&position=-1', { method: 'PATCH' });
    expect([invalid.status, invalid.headers.get('x-ms-error-code')]).toEqual([400, 'InvalidQueryParameterValue']);
    const body = await raw(path, 'action=flush&position=0', { method: 'PATCH', body: 'x' });
    expect([body.status, body.headers.get('x-ms-error-code')]).toEqual([400, 'ContentLengthMustBeZero']);
    const ok = await raw(path, 'action=flush&position=0', { method: 'PATCH' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBeTruthy();
    expect(ok.headers.get('content-length')).toBe('0');
    expect(ok.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.headers.get('x-ms-version')).toBe('2026-02-06');
  });

  it('answers 501 NotImplemented to the dfs operations it leaves out, rather than passing them to Azurite', async () => {
    const file = fs.getFileClient(name());
    await file.upload(Buffer.from('x'));
    const dir = fs.getDirectoryClient(`dir${++counter}`);
    await dir.create();
    const refused = [
      await rest(file.delete()), // Path - Delete
      await rest(dir.delete(true)),
      await rest(file.getAccessControl()), // Path - Get Properties, dfs form
    ];
    for (const r of refused) expect(r).toMatchObject({ statusCode: 501, errorCode: 'NotImplemented' });
    const fileSystem = new URL(fs.url);
    fileSystem.searchParams.set('resource', 'filesystem');
    for (const method of ['PUT', 'DELETE']) {
      const res = await fetch(fileSystem, { method }); // Filesystem - Create, Delete
      expect([res.status, res.headers.get('x-ms-error-code')]).toEqual([501, 'NotImplemented']);
    }
    expect((await file.readToBuffer()).toString()).toBe('x');
    expect(await dir.exists()).toBe(true);
  });
});

describe('SAS authorization is enforced by Azurite', () => {
  it('Create+Write can create, append and flush but not read or probe', async () => {
    const cw = await sasFileSystem(FS, 'cw');
    const file = cw.getFileClient(name());
    await file.create();
    await file.append(Buffer.from('secret'), 0, 6);
    await file.flush(6);
    expect((await fs.getFileClient(file.name).readToBuffer()).toString()).toBe('secret');
    // Blob download streams its body, so the code is only read from the header.
    expect(await rest(file.readToBuffer())).toMatchObject({ statusCode: 403, errorCode: 'AuthorizationPermissionMismatch' });
    expect(await rest(file.getProperties())).toMatchObject({ statusCode: 403, errorCode: 'AuthorizationPermissionMismatch' });
  });

  it('without w a SAS cannot append or flush', async () => {
    const path = name();
    await fs.getFileClient(path).create();
    await fs.getFileClient(path).append(Buffer.from('abc'), 0, 3);
    const c = await sasFileSystem(FS, 'c');
    const r = await sasFileSystem(FS, 'r');
    expect(await rest(c.getFileClient(path).append(Buffer.from('x'), 3, 1))).toMatchObject({
      statusCode: 403,
      code: 'AuthorizationPermissionMismatch',
    });
    expect(await rest(r.getFileClient(path).flush(3))).toMatchObject({ statusCode: 403, code: 'AuthorizationPermissionMismatch' });
    // An invalid position must not be reported before the missing permission.
    expect(await rest(r.getFileClient(path).flush(99))).toMatchObject({ statusCode: 403 });
    expect((await fs.getFileClient(path).getProperties()).contentLength).toBe(0);
    const createOnly = c.getFileClient(name());
    await createOnly.create(); // 'c' is enough to create a new file
  });

  it('an expired SAS gets 403 AuthenticationFailed', async () => {
    const path = name();
    await fs.getFileClient(path).create();
    const expired = await sasFileSystem(FS, 'racwdl', new Date(Date.now() - 60_000));
    const file = expired.getFileClient(path);
    expect(await rest(file.create())).toEqual({ statusCode: 403, code: 'AuthenticationFailed', errorCode: 'AuthenticationFailed' });
    expect(await rest(file.append(Buffer.from('x'), 0, 1))).toMatchObject({ statusCode: 403, code: 'AuthenticationFailed' });
    expect(await rest(file.flush(5))).toMatchObject({ statusCode: 403, code: 'AuthenticationFailed' });
    expect(await rest(expired.getFileClient(name()).append(Buffer.from('x'), 0, 1))).toMatchObject({ statusCode: 403 });
  });

  it('a SAS bound to a stored access policy works until the policy is removed', async () => {
    const policyFs = 'policyfs';
    const blobContainer = new BlobServiceClient(
      azurite.blobEndpoint,
      new BlobKey(azurite.accountName, azurite.accountKey),
      noRetry,
    ).getContainerClient(policyFs);
    await blobContainer.create();
    await blobContainer.setAccessPolicy(undefined, [
      { id: 'exporter', accessPolicy: { permissions: 'cw', startsOn: new Date(Date.now() - 60_000), expiresOn: new Date(Date.now() + HOUR) } },
    ]);
    const client = clientFor(await sasUrl(policyFs, { identifier: 'exporter' }));
    expect(client.url).toContain('si=exporter');
    const file = client.getFileClient('a.ndjson');
    await file.create();
    await file.append(Buffer.from('ok'), 0, 2);
    await file.flush(2);
    expect((await blobContainer.getBlobClient('a.ndjson').downloadToBuffer()).toString()).toBe('ok');

    await blobContainer.setAccessPolicy(undefined, []);
    expect(await rest(file.append(Buffer.from('!'), 2, 1))).toMatchObject({ statusCode: 403, code: 'AuthenticationFailed' });
    expect(await rest(file.flush(2))).toMatchObject({ statusCode: 403, code: 'AuthenticationFailed' });
    expect(await rest(client.getFileClient('b').create())).toMatchObject({ statusCode: 403, code: 'AuthenticationFailed' });
  });

  it('SharedKey dfs calls are verified by the gateway', async () => {
    const keyed = new DataLakeFileSystemClient(`${gateway.dfsEndpoint}/${FS}`, newPipeline(key, noRetry));
    const file = keyed.getFileClient(name());
    await file.create({ metadata: { by: 'key' } });
    await file.append(Buffer.from('signed'), 0, 6);
    await file.flush(6);
    expect((await file.readToBuffer()).toString()).toBe('signed');
    const wrongKey = new StorageSharedKeyCredential(azurite.accountName, Buffer.alloc(64, 7).toString('base64'));
    const forged = new DataLakeFileSystemClient(`${gateway.dfsEndpoint}/${FS}`, newPipeline(wrongKey, noRetry));
    expect(await rest(forged.getFileClient(file.name).append(Buffer.from('x'), 6, 1))).toEqual({
      statusCode: 403,
      code: 'AuthenticationFailed',
      errorCode: 'AuthenticationFailed',
    });
    expect(await rest(forged.getFileClient(file.name).flush(6, { close: true }))).toMatchObject({ statusCode: 403, code: 'AuthenticationFailed' });
    expect((await file.readToBuffer()).toString()).toBe('signed');
  });
});

describe('directories', () => {
  it('lists paths as dfs JSON', async () => {
    const dir = fs.getDirectoryClient(`list${++counter}`);
    await dir.create();
    await dir.getFileClient('a.ndjson').upload(Buffer.from('123'));
    await dir.getFileClient('sub/b.ndjson').upload(Buffer.from('4'));
    const flat = [];
    for await (const p of fs.listPaths({ path: dir.name })) flat.push([p.name, p.isDirectory ?? false, p.contentLength]);
    expect(flat).toEqual([
      [`${dir.name}/a.ndjson`, false, 3],
      [`${dir.name}/sub`, true, 0],
    ]);
    const deep = [];
    for await (const p of fs.listPaths({ path: dir.name, recursive: true })) deep.push(p.name);
    expect(deep).toEqual([`${dir.name}/a.ndjson`, `${dir.name}/sub/b.ndjson`]);
  });
});

describe('pass-through', () => {
  it('serves Blob API calls through the gateway as Azurite does', async () => {
    const viaGateway = new BlobServiceClient(gateway.dfsEndpoint, new BlobKey(azurite.accountName, azurite.accountKey), noRetry)
      .getContainerClient(FS)
      .getBlockBlobClient(name('pt'));
    const data = Buffer.alloc(3 * 1024 * 1024, 'z');
    await viaGateway.upload(data, data.length, { metadata: { via: 'gateway' } });
    expect((await viaGateway.downloadToBuffer()).equals(data)).toBe(true);
    const props = await azuriteContainer.getBlobClient(viaGateway.name).getProperties();
    expect([props.contentLength, props.metadata?.via]).toEqual([data.length, 'gateway']);
    const head = await fetch(fs.getFileClient(viaGateway.name).url, { method: 'HEAD' });
    expect([head.status, head.headers.get('x-ms-resource-type')]).toEqual([200, 'file']);
    await viaGateway.delete(); // blob DELETE (Accept: application/xml) is passed through
    expect(await viaGateway.exists()).toBe(false);
    expect(await rest(viaGateway.delete())).toMatchObject({ statusCode: 404, code: 'BlobNotFound' });
  });

  it('handles concurrent appends and a large streamed append', async () => {
    const file = fs.getFileClient(name());
    await file.create();
    const chunk = 1024 * 1024;
    const parts = Array.from({ length: 8 }, (_, i) => Buffer.alloc(chunk, 65 + i));
    await Promise.all(parts.map((p, i) => file.append(p, i * chunk, chunk)));
    await file.flush(8 * chunk);
    const back = await file.readToBuffer();
    expect(back.equals(Buffer.concat(parts))).toBe(true);
  });
});
