// `npm start`: until the exporter lands, a self-check of the local stack along the exporter's data path:
// managed identity → Key Vault (SAS + API key) → audit API pages → NDJSON → dfs gateway (create/append/flush) → Azurite.
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { DataLakeFileSystemClient } from '@azure/storage-file-datalake';
import { adminClient } from '../sas';
import { seedStack } from '../seed';
import { startStack } from '../stack';
import { relaunchTrustingVault } from '../trustVault';

const PAGE_SIZE = 500;

async function main(): Promise<void> {
  await relaunchTrustingVault();
  const started = Date.now();
  const stack = await startStack();
  try {
    const seeded = await seedStack(stack);
    process.env.IDENTITY_ENDPOINT = stack.info.identityEndpoint;
    process.env.IDENTITY_HEADER = stack.info.identityHeader;
    const secrets = new SecretClient(stack.info.keyVaultUrl, new DefaultAzureCredential(), {
      disableChallengeResourceVerification: true, // loopback vault: its host cannot match vault.azure.net
    });
    const sas = (await secrets.getSecret(seeded.sasSecretName)).value!;
    const apiKey = (await secrets.getSecret(seeded.auditApiKeySecretName)).value!;
    console.log(`vault: read ${seeded.sasSecretName} and ${seeded.auditApiKeySecretName} with the managed identity`);

    const file = new DataLakeFileSystemClient(`${stack.info.dfsEndpoint}/${seeded.fileSystem}?${sas}`).getFileClient('stack-check/all-events.ndjson');
    await file.create();
    const range = `minDate=${stack.auditEvents.start.toISOString()}&maxDate=${new Date().toISOString()}`;
    let position = 0;
    for (let offset = 0; offset < 1_000_000; offset += PAGE_SIZE) {
      const res = await fetch(`${stack.info.auditApiUrl}/audit?${range}&offset=${offset}&size=${PAGE_SIZE}`, {
        headers: { authorization: `Bearer ${apiKey}` },
      });
      if (!res.ok) throw new Error(`audit API answered ${res.status}`);
      const { hits } = (await res.json()) as { hits: unknown[] };
      if (hits.length > 0) {
        const body = Buffer.from(hits.map((h) => JSON.stringify(h) + '\n').join(''));
        await file.append(body, position, body.length);
        position += body.length;
        await file.flush(position);
      }
      if (hits.length < PAGE_SIZE) break;
    }
    const stored = await adminClient(stack.info).getContainerClient(seeded.fileSystem).getBlobClient('stack-check/all-events.ndjson').downloadToBuffer();
    const lines = stored.toString('utf8').split('\n').filter(Boolean).length;
    console.log(`lake: ${lines} lines, ${position} bytes; ${lines === stack.auditApi.totalEvents ? 'OK' : 'MISMATCH'} in ${Date.now() - started} ms`);
    if (lines !== stack.auditApi.totalEvents) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(`start: ${(error as Error).message}`);
  process.exit(1);
});
