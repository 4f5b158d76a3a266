import { ExportError } from '../../src/errors';
import { RotatingLakeWriter } from '../../src/lake/rotatingLakeWriter';
import type { LakeWriter } from '../../src/ports/lakeWriter';
import type { Secret } from '../../src/ports/secretProvider';
import { redactingLogger } from '../../src/ports/logger';
import { SecretValue } from '../../src/redact';

// A lake that accepts only the SAS values in `valid` — the behaviour of storage, without the network.
function lakeFor(sas: SecretValue, valid: Set<string>, calls: string[]): LakeWriter {
  const guard = async (what: string) => {
    calls.push(`${what} with ${sas.reveal()}`);
    if (!valid.has(sas.reveal())) throw new ExportError('StorageAuthorizationFailed', `${what}: 403 AuthenticationFailed`, { kind: 'permanent' });
  };
  return {
    createFile: async (p) => (await guard(`create ${p}`), { created: true }),
    append: async (p, _d, pos) => guard(`append ${p}@${pos}`),
    flush: async (p, pos) => guard(`flush ${p}@${pos}`),
  };
}

function setup(versions: string[], { fileSystem }: { fileSystem?: string } = {}) {
  let latest = 0;
  const secret = (i: number): Secret => ({ name: 'sas', value: new SecretValue(`sig=value-${versions[i]}`), version: versions[i]! });
  const valid = new Set<string>();
  const calls: string[] = [];
  const logs: string[] = [];
  const reads = { count: 0 };
  const writer = new RotatingLakeWriter({
    secrets: { getSecret: async () => (reads.count++, secret(latest)) },
    initial: secret(0),
    where: 'secret "sas" in Key Vault https://v',
    fileSystem,
    build: (sas) => lakeFor(sas, valid, calls),
    check: () => [],
    logger: redactingLogger((level, line) => logs.push(`${level}: ${line}`)),
  });
  return { writer, valid, calls, logs, reads, rotate: (to: number) => (latest = to), versions };
}
const opts = { abortSignal: new AbortController().signal };

describe('RotatingLakeWriter', () => {
  it('on a 403 with a new secret version, rebuilds the client and retries the same operation once', async () => {
    const s = setup(['v1', 'v2']);
    s.valid.add('sig=value-v2');
    s.rotate(1);
    await s.writer.append('f', Buffer.from('x'), 10, opts);
    expect(s.calls).toEqual(['append f@10 with sig=value-v1', 'append f@10 with sig=value-v2']);
    expect(s.logs.join('\n')).toMatch(/using the new version of the secret.*"version":"v2"/);
    await s.writer.flush('f', 11, opts); // and keeps using the new one
    expect(s.calls.at(-1)).toBe('flush f@11 with sig=value-v2');
  });

  it('appends in flight when the SAS is revoked are all refused; they read the secret once and all finish on the new version', async () => {
    const s = setup(['v1', 'v2']);
    s.valid.add('sig=value-v2');
    s.rotate(1);
    await Promise.all([0, 10, 20].map((at) => s.writer.append('f', Buffer.from('x'), at, opts)));
    expect(s.reads.count).toBe(1);
    expect(s.calls.filter((c) => c.endsWith('sig=value-v2')).sort()).toEqual(['append f@0 with sig=value-v2', 'append f@10 with sig=value-v2', 'append f@20 with sig=value-v2']);
    expect(s.logs.filter((l) => l.includes('using the new version'))).toHaveLength(1);
  });

  it('on a 403 with the secret unchanged, stops with a message saying which secret to rotate', async () => {
    const s = setup(['v1']);
    const error = await s.writer.flush('f', 5, opts).catch((e: ExportError) => e);
    expect(error).toMatchObject({ code: 'SasRejected', kind: 'permanent' });
    expect((error as Error).message).toMatch(/storage refused the SAS in secret "sas" in Key Vault https:\/\/v .*set it as a new version of the secret/);
    expect(s.calls).toHaveLength(1);
  });

  it('refused after it worked in this run, the SAS is not the only suspect: the message names the file system too', async () => {
    const s = setup(['v1'], { fileSystem: 'audit-output' });
    s.valid.add('sig=value-v1');
    await s.writer.append('f', Buffer.from('x'), 0, opts);
    s.valid.delete('sig=value-v1');
    const error = await s.writer.flush('f', 1, opts).catch((e: ExportError) => e);
    expect(error).toMatchObject({ code: 'SasRejected', kind: 'permanent' });
    expect((error as Error).message).toMatch(/which it had taken earlier in this run \(.*\): the file system "audit-output" may have been deleted .* Else create a new SAS/);
  });

  it('retries only once: a new version that is refused too stops the run', async () => {
    const s = setup(['v1', 'v2']);
    s.rotate(1);
    await expect(s.writer.createFile('f', opts)).rejects.toMatchObject({ code: 'SasRejected' });
    expect(s.calls).toHaveLength(2);
  });

  it('passes other errors through untouched', async () => {
    const s = setup(['v1']);
    s.valid.add('sig=value-v1');
    const fenced: LakeWriter = { ...lakeFor(new SecretValue('x'), new Set(['x']), []), flush: async () => { throw new ExportError('FlushPositionMismatch', 'm', { kind: 'conflict' }); } };
    const w = new RotatingLakeWriter({ secrets: { getSecret: async () => { throw new Error('must not read'); } }, initial: { name: 's', value: new SecretValue('x'), version: 'v' }, where: 'w', build: () => fenced, check: () => [], logger: redactingLogger(() => undefined) });
    await expect(w.flush('f', 1, opts)).rejects.toMatchObject({ code: 'FlushPositionMismatch' });
  });
});
