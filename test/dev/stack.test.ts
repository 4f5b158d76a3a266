import { join } from 'node:path';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { DataLakeFileSystemClient } from '@azure/storage-file-datalake';
import { projectRoot } from '../../dev/paths';
import { adminClient } from '../../dev/sas';
import { seedStack } from '../../dev/seed';
import { startStack, type LocalStack } from '../../dev/stack';
import { useManagedIdentity } from '../support/identityEnv';
import { portClosed, spawnForJsonLine, waitForExit } from '../support/process';

const STACK_CLI = join(projectRoot(), 'dist', 'dev', 'cli', 'stack.js');
const REQUIRED_KEYS = [
  'accountName', 'accountKey', 'blobEndpoint', 'dfsEndpoint', 'keyVaultUrl', 'caCertPath',
  'identityEndpoint', 'identityHeader', 'auditApiUrl', 'auditApiKey',
];

describe('npm run stack (the CLI as a process)', () => {
  it('prints one JSON line with every endpoint, serves all pieces, and stops cleanly on SIGTERM', async () => {
    const { child, line } = await spawnForJsonLine(STACK_CLI, ['--events', '50']);
    try {
      for (const key of REQUIRED_KEYS) expect(typeof line[key]).toBe('string');
      for (const key of ['blobEndpoint', 'dfsEndpoint', 'identityEndpoint', 'auditApiUrl']) {
        expect(new URL(line[key] as string).hostname).toBe('127.0.0.1');
      }
      expect(new URL(line.keyVaultUrl as string).protocol).toBe('https:');
      expect(line.blobEndpoint).toMatch(/\/devstoreaccount1$/);
      expect(line.dfsEndpoint).toMatch(/\/devstoreaccount1$/);

      // Each piece answers with its own protocol.
      const vault = await fetch(`${line.keyVaultUrl}/secrets/x/?api-version=7.5`);
      expect(vault.status).toBe(401);
      expect(vault.headers.get('www-authenticate')).toMatch(/^Bearer /);
      const token = await fetch(`${line.identityEndpoint}?api-version=2019-08-01&resource=https://vault.azure.net`, {
        headers: { 'X-IDENTITY-HEADER': line.identityHeader as string },
      });
      expect(token.status).toBe(200);
      const range = `minDate=2000-01-01T00:00:00Z&maxDate=${encodeURIComponent(new Date().toISOString())}`;
      const audit = await fetch(`${line.auditApiUrl}/audit?${range}&offset=0&size=5`, {
        headers: { authorization: `Bearer ${line.auditApiKey}` },
      });
      expect(audit.status).toBe(200);
      expect(((await audit.json()) as { count: number }).count).toBe(50);
      const list = await fetch(`${line.blobEndpoint}?comp=list`);
      expect([200, 403]).toContain(list.status); // Azurite answers (anonymous listing is refused)

      child.kill('SIGTERM');
      expect(await waitForExit(child)).toBe(0);
      expect(await portClosed(Number(new URL(line.blobEndpoint as string).port))).toBe(true);
      expect(await portClosed(Number(new URL(line.dfsEndpoint as string).port))).toBe(true);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('leaves no Azurite process behind when the stack itself is killed with SIGKILL', async () => {
    const { child, line } = await spawnForJsonLine(STACK_CLI, ['--events', '1']);
    child.kill('SIGKILL');
    await waitForExit(child);
    expect(await portClosed(Number(new URL(line.blobEndpoint as string).port))).toBe(true);
  });

  it('rejects an unknown option with a message naming it', async () => {
    await expect(spawnForJsonLine(STACK_CLI, ['--events', 'many'], 10_000)).rejects.toThrow(
      /--events must be a whole number/,
    );
  });
});

describe('startStack (in process): the pieces work together as the exporter will use them', () => {
  let stack: LocalStack;
  let restoreEnv: () => void;

  beforeAll(async () => {
    stack = await startStack({ audit: { count: 30 } });
    restoreEnv = useManagedIdentity(stack.info.identityEndpoint, stack.info.identityHeader);
  });
  afterAll(async () => {
    restoreEnv?.();
    await stack?.stop();
  });

  it('reads the seeded SAS from the vault with the managed identity and writes a page of audit events with it', async () => {
    const seeded = await seedStack(stack);
    const secrets = new SecretClient(stack.info.keyVaultUrl, new DefaultAzureCredential(), {
      disableChallengeResourceVerification: true, // loopback vault: its host cannot match vault.azure.net
    });
    const sas = (await secrets.getSecret(seeded.sasSecretName)).value!;
    expect(sas).toContain(`si=${seeded.policyId}`);
    expect((await secrets.getSecret(seeded.auditApiKeySecretName)).value).toBe(stack.info.auditApiKey);

    const range = `minDate=2000-01-01T00:00:00Z&maxDate=${encodeURIComponent(new Date().toISOString())}`;
    const page = await fetch(`${stack.info.auditApiUrl}/audit?${range}&offset=0&size=30`, {
      headers: { authorization: `Bearer ${stack.info.auditApiKey}` },
    });
    const { hits } = (await page.json()) as { hits: unknown[] };
    expect(hits).toHaveLength(30);
    const body = Buffer.from(hits.map((h) => JSON.stringify(h) + '\n').join(''));

    const fs = new DataLakeFileSystemClient(`${stack.info.dfsEndpoint}/${seeded.fileSystem}?${sas}`);
    const file = fs.getFileClient('smoke/page-0001.ndjson');
    await file.create();
    await file.append(body, 0, body.length);
    await file.flush(body.length);

    // The SAS can write but not read: check the bytes with the account key, straight from Azurite.
    await expect(file.read()).rejects.toMatchObject({ statusCode: 403 });
    const stored = await adminClient(stack.info)
      .getContainerClient(seeded.fileSystem)
      .getBlobClient('smoke/page-0001.ndjson')
      .downloadToBuffer();
    expect(stored.equals(body)).toBe(true);
  });
});
