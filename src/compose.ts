import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { AdlsLakeWriter } from './adapters/azure/adlsLakeWriter';
import { BlobCheckpointStore } from './adapters/azure/blobCheckpointStore';
import { KeyVaultSecretProvider } from './adapters/azure/keyVaultSecrets';
import { HttpAuditSource } from './adapters/auditApi/httpAuditSource';
import { configId } from './config/configId';
import type { Settings } from './config/settings';
import { systemClock, type Clock } from './ports/clock';
import type { Logger } from './ports/logger';
import { DEFAULT_RETRY_POLICY } from './retry/retryDecision';
import type { RunDeps } from './pipeline/run';

export interface ComposeOptions {
  logger: Logger;
  abortSignal: AbortSignal;
  clock?: Clock;
  credential?: TokenCredential;
}

const AUDIT_REQUEST_TIMEOUT_MS = 60_000;

/** The only place that builds real adapters: reads the secrets, then wires source, lake and checkpoint store. */
export async function compose(settings: Settings, options: ComposeOptions): Promise<RunDeps> {
  const clock = options.clock ?? systemClock;
  const credential = options.credential ?? new DefaultAzureCredential();
  const secrets = new KeyVaultSecretProvider(settings.keyVaultUrl, credential);
  const opts = { abortSignal: options.abortSignal };
  const sas = await secrets.getSecret(settings.sasSecretName, opts);
  const apiKey = settings.auditApiKeySecretName ? await secrets.getSecret(settings.auditApiKeySecretName, opts) : undefined;
  return {
    source: new HttpAuditSource({
      baseUrl: settings.auditApiUrl,
      apiKey: apiKey?.value,
      requestTimeoutMs: AUDIT_REQUEST_TIMEOUT_MS,
      retry: DEFAULT_RETRY_POLICY,
      clock,
      logger: options.logger,
    }),
    lake: new AdlsLakeWriter({ dfsEndpoint: settings.dfsEndpoint, fileSystem: settings.fileSystem, sas: sas.value }),
    store: new BlobCheckpointStore({ storage: settings.stateStorage, credential, configId: configId(settings), leaseSeconds: settings.leaseSeconds }),
    clock,
    logger: options.logger,
  };
}
