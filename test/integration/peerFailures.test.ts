// What an operator reads when a peer refuses or is not there: each failure produced by a real peer on the local stack
// (the vault, the dfs gateway, Azurite) or by a loopback port nothing listens on, through the exporter's own adapters
// and host handlers, asserted to the code, the kind and the message.
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { createServer } from 'node:net';
import { AdlsLakeWriter } from '../../src/adapters/azure/adlsLakeWriter';
import { StateContainer } from '../../src/adapters/azure/hostStorage';
import { KeyVaultSecretProvider } from '../../src/adapters/azure/keyVaultSecrets';
import { loadSettings } from '../../src/config/settings';
import { ExportError } from '../../src/errors';
import { statusResponse } from '../../src/host/httpHandlers';
import { onTimerTick } from '../../src/host/timerTick';
import { Composition } from '../../src/run/composition';
import { SecretValue } from '../../src/redact';
import { exporterEnv } from '../../dev/exporterEnv';
import { createTokenIssuer } from '../../dev/identity';
import { fileSystemSas } from '../../dev/sas';
import { seedStack, type Seeded } from '../../dev/seed';
import { startStack, type LocalStack } from '../../dev/stack';
import { useManagedIdentity } from '../support/identityEnv';

let stack: LocalStack;
let seeded: Seeded;
let restoreEnv: () => void;
/** A loopback port nothing listens on: connections to it are refused. */
let closedPort: number;

beforeAll(async () => {
  stack = await startStack({ audit: { count: 1 } });
  seeded = await seedStack(stack);
  restoreEnv = useManagedIdentity(stack.info.identityEndpoint, stack.info.identityHeader);
  closedPort = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
});
afterAll(async () => {
  restoreEnv?.();
  await stack?.stop();
});

const opts = () => ({ abortSignal: new AbortController().signal });
/** One try per call: a refused connection is refused again, and the tests need not wait out the back-off. */
const ONE_TRY = { tryTimeoutMs: 10_000, maxTries: 1, retryDelayMs: 0, maxRetryDelayMs: 0 };

/** The ExportError a call ends with, as `code/kind: message`. */
async function failure(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ExportError ? `${e.code}/${e.kind}: ${e.message}` : `foreign ${String(e)}`),
  );
}

describe('Key Vault', () => {
  const vault = (credential: TokenCredential = new DefaultAzureCredential(), url = stack.info.keyVaultUrl) => new KeyVaultSecretProvider(url, credential, { retry: ONE_TRY });

  it('a secret that does not exist is SecretNotFound (permanent)', async () => {
    expect(await failure(vault().getSecret('no-such-secret', opts()))).toBe(
      `SecretNotFound/permanent: secret "no-such-secret" in Key Vault ${stack.info.keyVaultUrl} does not exist: create it, or fix the secret name setting`,
    );
  });

  it("a token the vault did not issue (HTTP 401) is VaultAuthenticationFailed (permanent)", async () => {
    const foreign = createTokenIssuer();
    const credential: TokenCredential = {
      getToken: async (): Promise<AccessToken> => {
        const { token, expiresOn } = foreign.issue('https://vault.azure.net');
        return { token, expiresOnTimestamp: expiresOn * 1000 };
      },
    };
    expect(await failure(vault(credential).getSecret(seeded.sasSecretName, opts()))).toBe(
      `VaultAuthenticationFailed/permanent: Key Vault ${stack.info.keyVaultUrl} did not accept the identity's token`,
    );
  });

  it('another refusal (HTTP 400, a name Key Vault does not allow) is VaultError, permanent as its status says', async () => {
    expect(await failure(vault().getSecret('bad_name', opts()))).toBe(
      `VaultError/permanent: reading secret "bad_name" in Key Vault ${stack.info.keyVaultUrl} failed with HTTP 400`,
    );
  });

  it('a vault URL nothing answers at is VaultUnreachable (retryable)', async () => {
    const url = `https://127.0.0.1:${closedPort}`;
    expect(await failure(vault(undefined, url).getSecret('any-secret', opts()))).toBe(
      `VaultUnreachable/retryable: Key Vault ${url} could not be reached to read secret "any-secret": connect ECONNREFUSED 127.0.0.1:${closedPort}`,
    );
  });
});

describe('storage', () => {
  it('a lake file system that does not exist is FileSystemNotFound (permanent), and says which setting to fix', async () => {
    const sas = fileSystemSas(stack.info, { fileSystem: 'no-such-file-system', permissions: 'cw' });
    const lake = new AdlsLakeWriter({ dfsEndpoint: stack.info.dfsEndpoint, fileSystem: 'no-such-file-system', sas: new SecretValue(sas), retry: ONE_TRY });
    expect(await failure(lake.createFile('root/year=2026/f.ndjson', opts()))).toBe(
      'FileSystemNotFound/permanent: create root/year=2026/f.ndjson: 404 FilesystemNotFound: the file system "no-such-file-system" does not exist; create it, or fix ADLS_FILE_SYSTEM',
    );
  });

  // A refused connection comes back from the SDK as a RestError without a status; its code names the socket's error.
  it('a host storage nothing answers at is StorageUnreachable (retryable) with the socket code, naming the storage and its setting', async () => {
    const state = new StateContainer({ connectionString: unreachableStorage() }, { retry: ONE_TRY });
    const blob = state.client.getBlockBlobClient('probe.json');
    const upload = state.upload('write a probe', blob, '{}', opts().abortSignal).catch((e: unknown) => Promise.reject(state.error(e, 'write a probe')));
    expect(await failure(upload)).toBe(`StorageUnreachable/retryable: host storage http://127.0.0.1:${closedPort}/devstoreaccount1 (AzureWebJobsStorage): write a probe: ECONNREFUSED`);
  });
});

/** Azurite's connection string, on a port nothing listens on. */
function unreachableStorage(): string {
  return stack.info.azureWebJobsStorage.replace(/127\.0\.0\.1:\d+/g, `127.0.0.1:${closedPort}`);
}

describe('the host', () => {
  /** The Functions context's log, one line a call, prefixed with its level. */
  function context() {
    const lines: string[] = [];
    return {
      lines,
      log: (line: unknown) => lines.push(`info: ${String(line)}`),
      warn: (line: unknown) => lines.push(`warn: ${String(line)}`),
      error: (line: unknown) => lines.push(`error: ${String(line)}`),
    };
  }

  it('a timer tick whose vault is not there logs the failed run with its code, and the run fails', async () => {
    const vaultUrl = `https://127.0.0.1:${closedPort}`;
    const root = new Composition(loadSettings(exporterEnv(stack.info, seeded, { KEY_VAULT_URL: vaultUrl })), { timeouts: { keyVault: ONE_TRY } });
    const log = context();
    const reason = `Key Vault ${vaultUrl} could not be reached to read secret \\"${seeded.sasSecretName}\\": connect ECONNREFUSED 127.0.0.1:${closedPort}`;
    expect(await failure(onTimerTick(() => root, log, false))).toBe(`VaultUnreachable/retryable: ${reason.replace(/\\"/g, '"')}`);
    expect(log.lines).toEqual([`error: export run failed {"code":"VaultUnreachable","error":"${reason}"}`]);
  });

  it('GET /api/export/status answers 500 with the error and its code when the host storage is not there', async () => {
    const root = new Composition(loadSettings(exporterEnv(stack.info, seeded, { AzureWebJobsStorage: unreachableStorage() })), { timeouts: { hostStorage: ONE_TRY } });
    expect(await statusResponse(() => root)).toEqual({
      status: 500,
      jsonBody: { error: `host storage http://127.0.0.1:${closedPort}/devstoreaccount1 (AzureWebJobsStorage): load status: ECONNREFUSED`, code: 'StorageUnreachable' },
    });
  });

  it('GET /api/export/status answers 400 with the code when the settings are wrong', async () => {
    const root = () => new Composition(loadSettings({ ...exporterEnv(stack.info, seeded), AUDIT_API_URL: '' }));
    expect(await statusResponse(root)).toEqual({
      status: 400,
      jsonBody: {
        error: 'Invalid settings:\n  - AUDIT_API_URL is empty: the base URL of the audit API, e.g. https://your-immuta.example.com',
        code: 'InvalidSettings',
      },
    });
  });
});
