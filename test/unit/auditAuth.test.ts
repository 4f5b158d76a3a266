// The API key in use and its re-read on refusal, without a network: the fixed-header modes (bearer, apikey).
import { auditAuth, type KeySecret } from '../../src/adapters/auditApi/auditAuth';
import { SecretValue } from '../../src/redact';

const signal = new AbortController().signal;

function vault() {
  const latest = { value: 'key-v1', version: 'v1' };
  const renewed: string[] = [];
  let reads = 0;
  const secret: KeySecret = {
    version: 'v1',
    read: async () => {
      reads++;
      await new Promise((r) => setImmediate(r));
      return { value: new SecretValue(latest.value), version: latest.version };
    },
    renewed: (v) => renewed.push(v),
  };
  const rotate = (value: string, version: string) => Object.assign(latest, { value, version });
  return { secret, rotate, renewed, reads: () => reads };
}

describe('auditAuth: a refused key is read again once', () => {
  it('requests refused together share one read; the newer version is used from then on, trimmed', async () => {
    const v = vault();
    const auth = auditAuth({ mode: 'bearer', baseUrl: 'http://127.0.0.1:1', apiKey: new SecretValue('key-v1\n'), keySecret: v.secret, requestTimeoutMs: 1000 });
    const used = await auth.header(signal);
    expect(used).toBe('Bearer key-v1');
    v.rotate('key-v2\r\n', 'v2');
    expect(await Promise.all([auth.refused(used, signal), auth.refused(used, signal), auth.refused(used, signal)])).toEqual([true, true, true]);
    expect(v.reads()).toBe(1);
    expect(v.renewed).toEqual(['v2']);
    expect(await auth.header(signal)).toBe('Bearer key-v2');
    // A request sent with the old key, refused after the renewal: asked again with the new key, no read.
    expect(await auth.refused(used, signal)).toBe(true);
    expect(v.reads()).toBe(1);
  });

  it('the same version read again: the refusal stands (false), and the key in use is unchanged', async () => {
    const v = vault();
    const auth = auditAuth({ mode: 'apikey', baseUrl: 'http://127.0.0.1:1', apiKey: new SecretValue('key-v1'), keySecret: v.secret, requestTimeoutMs: 1000 });
    const used = await auth.header(signal);
    expect(used).toBe('key-v1');
    expect(await auth.refused(used, signal)).toBe(false);
    expect(v.reads()).toBe(1);
    expect(await auth.header(signal)).toBe('key-v1');
  });

  it('without the secret (test-connection, verify) the key is fixed: a refusal stands without a read', async () => {
    const auth = auditAuth({ mode: 'bearer', baseUrl: 'http://127.0.0.1:1', apiKey: new SecretValue('key-v1'), requestTimeoutMs: 1000 });
    expect(await auth.refused(await auth.header(signal), signal)).toBe(false);
  });
});
