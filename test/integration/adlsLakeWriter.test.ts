// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { AdlsLakeWriter } from '../../src/adapters/azure/adlsLakeWriter';
import { ExportError } from '../../src/errors';
import { SecretValue } from '../../src/redact';
import { adminClient, fileSystemSas } from '../../dev/sas';
import { seedStack, type Seeded } from '../../dev/seed';
import { startStack, type LocalStack } from '../../dev/stack';

// What recovery relies on: each storage answer becomes the ExportError code the pipeline decides on.
describe('AdlsLakeWriter against the dfs gateway (Create + Write SAS)', () => {
  let stack: LocalStack;
  let seeded: Seeded;
  let lake: AdlsLakeWriter;
  const opts = { abortSignal: AbortSignal.timeout(30_000) };
  const read = (path: string) => adminClient(stack.info).getContainerClient(seeded.fileSystem).getBlobClient(path).downloadToBuffer();
  const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e) => (e instanceof ExportError ? e.code : `foreign: ${e}`));

  beforeAll(async () => {
    stack = await startStack({ audit: { count: 1 } });
    seeded = await seedStack(stack);
    const sas = fileSystemSas(stack.info, { fileSystem: seeded.fileSystem, permissions: 'cw' });
    lake = new AdlsLakeWriter({ dfsEndpoint: stack.info.dfsEndpoint, fileSystem: seeded.fileSystem, sas: new SecretValue(sas) });
  });
  afterAll(() => stack?.stop());

  it('creates a file once; creating it again reports created: false and never truncates', async () => {
    expect(await lake.createFile('w/a.ndjson', opts)).toEqual({ created: true });
    await lake.append('w/a.ndjson', Buffer.from('one\n'), 0, opts);
    await lake.flush('w/a.ndjson', 4, opts);
    expect(await lake.createFile('w/a.ndjson', opts)).toEqual({ created: false });
    expect((await read('w/a.ndjson')).toString()).toBe('one\n');
  });

  it('a flush whose staged bytes do not reach the position is FlushPositionMismatch; the fence holds', async () => {
    await lake.createFile('w/b.ndjson', opts);
    await lake.append('w/b.ndjson', Buffer.from('abc\n'), 0, opts);
    expect(await codeOf(lake.flush('w/b.ndjson', 8, opts))).toBe('FlushPositionMismatch');
    await lake.flush('w/b.ndjson', 4, opts);
    expect(await codeOf(lake.append('w/b.ndjson', Buffer.from('x'), 2, opts))).toBe('FlushPositionMismatch');
  });

  it('a flush at the committed length with nothing staged succeeds and changes nothing (the recovery probe)', async () => {
    await lake.createFile('w/c.ndjson', opts);
    await lake.append('w/c.ndjson', Buffer.from('12345\n'), 0, opts);
    await lake.flush('w/c.ndjson', 6, opts);
    await lake.flush('w/c.ndjson', 6, opts);
    expect((await read('w/c.ndjson')).toString()).toBe('12345\n');
  });

  it('a flush at `from` drops stray staged bytes, so a later flush cannot commit them', async () => {
    await lake.createFile('w/d.ndjson', opts);
    await lake.append('w/d.ndjson', Buffer.from('stray\n'), 0, opts);
    await lake.flush('w/d.ndjson', 0, opts);
    expect(await codeOf(lake.flush('w/d.ndjson', 6, opts))).toBe('FlushPositionMismatch');
    expect((await read('w/d.ndjson')).length).toBe(0);
  });

  it('a flush on a path that does not exist is PathNotFound', async () => {
    expect(await codeOf(lake.flush('w/missing.ndjson', 0, opts))).toBe('PathNotFound');
  });

  it('a SAS without Write is StorageAuthorizationFailed, and the error text carries no signature', async () => {
    const readOnly = fileSystemSas(stack.info, { fileSystem: seeded.fileSystem, permissions: 'r' });
    const weak = new AdlsLakeWriter({ dfsEndpoint: stack.info.dfsEndpoint, fileSystem: seeded.fileSystem, sas: new SecretValue(readOnly) });
    const error = await weak.createFile('w/e.ndjson', opts).then(() => undefined, (e: unknown) => e as ExportError);
    expect(error?.code).toBe('StorageAuthorizationFailed');
    const sig = new URLSearchParams(readOnly).get('sig')!;
    expect(error?.message).not.toContain(sig);
    expect(error?.message).not.toContain(encodeURIComponent(sig));
  });
});
