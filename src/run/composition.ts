import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { AdlsLakeWriter } from '../adapters/azure/adlsLakeWriter';
import { BlobCheckpointStore } from '../adapters/azure/blobCheckpointStore';
import { BlobIdLedger } from '../adapters/azure/blobIdLedger';
import { BlobStatusStore } from '../adapters/azure/blobStatusStore';
import { KeyVaultSecretProvider } from '../adapters/azure/keyVaultSecrets';
import { auditAuth } from '../adapters/auditApi/auditAuth';
import { HttpAuditSource } from '../adapters/auditApi/httpAuditSource';
import { ExportError } from '../errors';
import { RotatingLakeWriter } from '../lake/rotatingLakeWriter';
import type { SecretValue } from '../redact';
import { checkConfiguredSas, configuredSasWhere } from '../sas/sasCheck';
import { configId } from '../config/configId';
import { peerTimeouts, type PeerTimeouts } from '../config/defaults';
import type { Settings } from '../config/settings';
import { systemClock, type Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import { DEFAULT_RETRY_POLICY } from '../retry/retryDecision';
import { PAGES_AHEAD } from '../pages/windowPages';
import type { RunDeps, RunProgress } from '../windows/runOptions';

/** The exporter's own state in the host storage: needs no secret, so it is there even when a run fails early. */
export function composeState(settings: Settings, credential: TokenCredential, timeouts: Partial<PeerTimeouts> = {}) {
  const id = configId(settings);
  const retry = peerTimeouts(timeouts).hostStorage;
  return {
    checkpoints: new BlobCheckpointStore({ storage: settings.stateStorage, credential, retry, configId: id, leaseSeconds: settings.leaseSeconds }),
    status: new BlobStatusStore({ storage: settings.stateStorage, credential, retry, configId: id }),
    ledger: new BlobIdLedger({ storage: settings.stateStorage, credential, retry, configId: id }),
  };
}

export interface ComposeOptions {
  logger: Logger;
  abortSignal: AbortSignal;
  /** Called after each batch, for progress lines in long catch-ups. */
  onProgress?: (progress: RunProgress) => void;
  clock?: Clock;
  credential?: TokenCredential;
  /** Per-try and per-call time-outs of the Azure peers; the defaults unless given. */
  timeouts?: Partial<PeerTimeouts>;
}

/** The real adapters, and what the SAS check found worth a warning. */
export interface Composed extends RunDeps {
  warnings: string[];
}

/** The only place that builds real adapters: reads and checks the secrets, then wires source, lake and checkpoint store. */
export async function compose(settings: Settings, options: ComposeOptions): Promise<Composed> {
  const clock = options.clock ?? systemClock;
  const credential = options.credential ?? new DefaultAzureCredential();
  const timeouts = peerTimeouts(options.timeouts);
  const secrets = new KeyVaultSecretProvider(settings.keyVaultUrl, credential, { retry: timeouts.keyVault });
  const opts = { abortSignal: options.abortSignal };
  const sas = await secrets.getSecret(settings.sasSecretName, opts);
  const apiKey = settings.auditApiKeySecretName ? await secrets.getSecret(settings.auditApiKeySecretName, opts) : undefined;

  // The SAS is checked before any storage call, and again whenever a rotated version is picked up.
  const where = configuredSasWhere(settings);
  const check = (value: SecretValue): string[] => {
    const verdict = checkConfiguredSas(settings, value.reveal(), clock.now());
    if (verdict.errors.length > 0) throw new ExportError('SasInvalid', verdict.errors.join('; '), { kind: 'permanent' });
    return verdict.warnings;
  };
  const warnings = check(sas.value);
  for (const warning of warnings) options.logger.warn(warning);
  const lake = new RotatingLakeWriter({
    secrets,
    initial: sas,
    where,
    check,
    build: (value) => new AdlsLakeWriter({ dfsEndpoint: settings.dfsEndpoint, fileSystem: settings.fileSystem, sas: value, retry: timeouts.lake }),
    logger: options.logger,
  });
  const state = composeState(settings, credential, timeouts);
  return {
    warnings,
    source: new HttpAuditSource({
      baseUrl: settings.auditApiUrl,
      kind: settings.auditApiKind,
      auth: auditAuth({ mode: settings.auditApiAuth, baseUrl: settings.auditApiUrl, apiKey: apiKey?.value, requestTimeoutMs: settings.auditRequestTimeoutSeconds * 1000 }),
      requestTimeoutMs: settings.auditRequestTimeoutSeconds * 1000,
      retry: { ...DEFAULT_RETRY_POLICY, maxAttempts: settings.auditMaxAttempts },
      pageBuffers: PAGES_AHEAD + 3, // as many as can be in flight: a window's pages ahead and the next window's first
      clock,
      logger: options.logger,
    }),
    lake,
    store: state.checkpoints,
    ...(settings.recheckHours > 0 ? { ledger: state.ledger } : {}),
    clock,
    logger: options.logger,
  };
}
