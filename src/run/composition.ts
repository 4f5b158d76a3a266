import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { AdlsLakeReader } from '../adapters/azure/adlsLakeReader';
import { AdlsLakeWriter } from '../adapters/azure/adlsLakeWriter';
import { BlobCheckpointStore } from '../adapters/azure/blobCheckpointStore';
import { BlobIdLedger } from '../adapters/azure/blobIdLedger';
import { BlobStatusStore } from '../adapters/azure/blobStatusStore';
import { StateContainer } from '../adapters/azure/hostStorage';
import { KeyVaultSecretProvider } from '../adapters/azure/keyVaultSecrets';
import { auditAuth, type KeySecret } from '../adapters/auditApi/auditAuth';
import { HttpAuditSource } from '../adapters/auditApi/httpAuditSource';
import { HttpGetter } from '../adapters/auditApi/httpGet';
import { configId } from '../config/configId';
import { AUDIT_RETRY_BACKOFF, PAGE_BUFFERS, peerTimeouts, type PeerTimeouts } from '../config/defaults';
import type { Settings } from '../config/settings';
import { RotatingLakeWriter } from '../lake/rotatingLakeWriter';
import { systemClock, type Clock } from '../ports/clock';
import type { Logger } from '../ports/logger';
import type { Secret } from '../ports/secretProvider';
import type { SecretValue } from '../redact';
import type { RetryPolicy } from '../retry/retryDecision';
import { checkConfiguredSas, configuredSasWhere, sasInvalid } from '../sas/sasCheck';
import type { RunDeps } from '../windows/runOptions';

export interface CompositionOptions {
  /** The identity every Azure call uses; DefaultAzureCredential (the managed identity in Azure) unless given. */
  credential?: TokenCredential;
  clock?: Clock;
  /** Per-try and per-call time-outs of the Azure peers; the defaults unless given. */
  timeouts?: Partial<PeerTimeouts>;
}

/** What one run adds: where it logs and when it must stop. */
export interface RunScope {
  logger: Logger;
  abortSignal: AbortSignal;
}

/** The adapters of one run, and what the SAS check found worth a warning. */
export interface RunAdapters extends RunDeps {
  sasWarnings: string[];
}

/**
 * How the pieces fit, built once per worker process (a Functions worker serves many ticks): one credential, one
 * Key Vault client, one host-storage client shared by the checkpoint, status and id stores, one set of keep-alive
 * connections to the audit API. What changes between runs is read per run: the secrets (they rotate), and the lease
 * a checkpoint store holds.
 */
export class Composition {
  readonly credential: TokenCredential;
  readonly clock: Clock;
  readonly timeouts: PeerTimeouts;
  readonly configId: string;
  readonly secrets: KeyVaultSecretProvider;
  readonly state: StateContainer;
  readonly status: BlobStatusStore;
  readonly ledger: BlobIdLedger;
  /** The audit API's keep-alive connections, reused by every run's audit source. */
  readonly http = new HttpGetter();
  #lake: { sas: string; writer: AdlsLakeWriter } | undefined;

  constructor(readonly settings: Settings, options: CompositionOptions = {}) {
    this.credential = options.credential ?? new DefaultAzureCredential();
    this.clock = options.clock ?? systemClock;
    this.timeouts = peerTimeouts(options.timeouts);
    this.configId = configId(settings);
    this.secrets = new KeyVaultSecretProvider(settings.keyVaultUrl, this.credential, { retry: this.timeouts.keyVault });
    this.state = new StateContainer(settings.stateStorage, { credential: this.credential, retry: this.timeouts.hostStorage });
    this.status = new BlobStatusStore({ state: this.state, configId: this.configId });
    this.ledger = new BlobIdLedger({ state: this.state, configId: this.configId });
  }

  /** A checkpoint store of its own for each run: it holds that run's lease. */
  checkpoints(): BlobCheckpointStore {
    // Renewed on the wall clock, not this.clock, on purpose: Azure times the lease by it, never by a test's simulated clock.
    return new BlobCheckpointStore({ state: this.state, configId: this.configId, leaseSeconds: this.settings.leaseSeconds });
  }

  /** The lake with this SAS; the client is kept while the SAS stays the same. */
  lake(sas: SecretValue): AdlsLakeWriter {
    const value = sas.reveal();
    if (this.#lake?.sas !== value) {
      const { dfsEndpoint, fileSystem } = this.settings;
      this.#lake = { sas: value, writer: new AdlsLakeWriter({ dfsEndpoint, fileSystem, sas, retry: this.timeouts.lake }) };
    }
    return this.#lake.writer;
  }

  /** verify's view of the lake, through its own Read + List SAS; `where` names that SAS in messages. */
  lakeReader(sas: SecretValue, where: string): AdlsLakeReader {
    const { dfsEndpoint, fileSystem } = this.settings;
    return new AdlsLakeReader({ dfsEndpoint, fileSystem, sas, where, retry: this.timeouts.lakeRead });
  }

  /**
   * The audit API with this key; `retry` is the run's policy unless a caller (test-connection) retries itself, and
   * `pageBuffers` a run's unless the caller reads one page at a time.
   */
  auditSource(options: { apiKey?: SecretValue; keySecret?: KeySecret; logger: Logger; retry?: RetryPolicy; pageBuffers?: number }): HttpAuditSource {
    const s = this.settings;
    const requestTimeoutMs = s.auditRequestTimeoutSeconds * 1000;
    return new HttpAuditSource({
      baseUrl: s.auditApiUrl,
      kind: s.auditApiKind,
      auth: auditAuth({ mode: s.auditApiAuth, baseUrl: s.auditApiUrl, apiKey: options.apiKey, keySecret: options.keySecret, requestTimeoutMs }),
      requestTimeoutMs,
      retry: options.retry ?? { ...AUDIT_RETRY_BACKOFF, maxAttempts: s.auditMaxAttempts },
      pageBuffers: options.pageBuffers ?? PAGE_BUFFERS,
      http: this.http,
      clock: this.clock,
      logger: options.logger,
    });
  }

  /** The audit API key's latest version, when AUDIT_API_KEY_SECRET_NAME names one. */
  async apiKey(opts: { abortSignal: AbortSignal }): Promise<SecretValue | undefined> {
    return (await this.apiKeySecret(opts))?.value;
  }

  private async apiKeySecret(opts: { abortSignal: AbortSignal }): Promise<Secret | undefined> {
    const name = this.settings.auditApiKeySecretName;
    return name ? this.secrets.getSecret(name, opts) : undefined;
  }

  /** Reads and checks the secrets, then wires source, lake and checkpoint store for one run. */
  async forRun({ logger, abortSignal }: RunScope): Promise<RunAdapters> {
    const s = this.settings;
    const opts = { abortSignal };
    const sas = await this.secrets.getSecret(s.sasSecretName, opts);
    const apiKey = await this.apiKeySecret(opts);
    // A refused key is read again, as the SAS is: a rotated key is picked up mid-run.
    const keySecret: KeySecret | undefined = apiKey && {
      version: apiKey.version,
      read: async (abortSignal) => (await this.apiKeySecret({ abortSignal }))!,
      renewed: (version) => logger.info('the audit API refused the API key; using the new version of the secret', { version }),
    };

    // The SAS is checked before any storage call, and again whenever a rotated version is picked up.
    const check = (value: SecretValue): string[] => {
      const verdict = checkConfiguredSas(s, value.reveal(), this.clock.now());
      if (verdict.errors.length > 0) throw sasInvalid(verdict);
      return verdict.warnings.map((w) => w.text);
    };
    const sasWarnings = check(sas.value);
    for (const warning of sasWarnings) logger.warn(warning);
    const lake = new RotatingLakeWriter({ secrets: this.secrets, initial: sas, where: configuredSasWhere(s), fileSystem: s.fileSystem, check, build: (value) => this.lake(value), logger });
    return {
      sasWarnings,
      source: this.auditSource({ apiKey: apiKey?.value, keySecret, logger }),
      lake,
      store: this.checkpoints(),
      ...(s.recheckHours > 0 ? { ledger: this.ledger } : {}),
      clock: this.clock,
      logger,
    };
  }
}
