import { startAuditApi, type AuditApi, type AuditAuth, type AuditEventsOptions, type AuditFaults, type AuditKind } from './auditApi';
import { startAzurite, type Azurite } from './azurite';
import { startDfsGatewayProcess, type DfsGatewayProcess } from './dfs/process';
import { createTokenIssuer, startManagedIdentity, type ManagedIdentityEndpoint } from './identity';
import { startKeyVault, type LocalKeyVault } from './keyVault';

interface StackPorts {
  blob?: number;
  dfs?: number;
  vault?: number;
  identity?: number;
  audit?: number;
}

export interface StackOptions {
  /** Fixed ports; any left out (or 0) are picked free. */
  ports?: StackPorts;
  /** Keep Azurite's data in this folder instead of in memory. */
  location?: string;
  /** The sample audit API's events (and their kind); by default 2,000 UAM events over the 6 hours that end 10 minutes ago. */
  audit?: Partial<AuditEventsOptions>;
  auditApiKey?: string;
  /** Default: bearer for immuta-uam, apikey for immuta-legacy. */
  auditAuth?: AuditAuth;
  auditTokenTtlSeconds?: number;
  /** Faults in force from the start. */
  auditFaults?: AuditFaults;
}

/** What `npm run stack` prints as one JSON line: everything a client needs to reach the stack. */
export interface StackInfo {
  accountName: string;
  /** Azurite's well-known emulator key (public, not a secret). */
  accountKey: string;
  blobEndpoint: string;
  dfsEndpoint: string;
  /** Connection string for AzureWebJobsStorage (the exporter's state lives there). */
  azureWebJobsStorage: string;
  keyVaultUrl: string;
  caCertPath: string;
  identityEndpoint: string;
  identityHeader: string;
  auditApiUrl: string;
  auditApiKey: string;
  /** What the audit API serves: immuta-uam events or immuta-legacy records. */
  auditKind: AuditKind;
  /** How a client authenticates to it: bearer, apikey or immuta-token. */
  auditAuth: AuditAuth;
}

export interface LocalStack {
  info: StackInfo;
  azurite: Azurite;
  gateway: DfsGatewayProcess;
  identity: ManagedIdentityEndpoint;
  vault: LocalKeyVault;
  auditApi: AuditApi;
  /** The sample events the audit API serves (count, start, span, seed). */
  auditEvents: AuditEventsOptions;
  stop(): Promise<void>;
}

const DEFAULT_EVENTS = 2000;
const DEFAULT_SPAN_SECONDS = 6 * 3600;
const DEFAULT_END_OFFSET_MS = 10 * 60 * 1000;

/** Starts Azurite, the dfs gateway, the managed-identity endpoint, the Key Vault and the audit API on loopback. */
export async function startStack(options: StackOptions = {}): Promise<LocalStack> {
  const ports = options.ports ?? {};
  const started: Array<{ stop(): Promise<void> }> = [];
  try {
    const azurite = await startAzurite({ port: ports.blob, location: options.location });
    started.push(azurite);
    const gateway = await startDfsGatewayProcess({
      azuriteBlobEndpoint: azurite.blobEndpoint,
      accountName: azurite.accountName,
      accountKey: azurite.accountKey,
      port: ports.dfs,
    });
    started.push(gateway);
    const issuer = createTokenIssuer();
    const identity = await startManagedIdentity({ issuer, port: ports.identity });
    started.push(identity);
    const vault = await startKeyVault({ issuer, port: ports.vault });
    started.push(vault);
    const auditEvents = auditEventsOptions(options.audit);
    const auditApi = await startAuditApi({
      events: auditEvents,
      apiKey: options.auditApiKey,
      port: ports.audit,
      auth: options.auditAuth,
      tokenTtlSeconds: options.auditTokenTtlSeconds,
      faults: options.auditFaults,
    });
    started.push(auditApi);

    const info: StackInfo = {
      accountName: azurite.accountName,
      accountKey: azurite.accountKey,
      blobEndpoint: azurite.blobEndpoint,
      dfsEndpoint: gateway.dfsEndpoint,
      azureWebJobsStorage: azurite.connectionString,
      keyVaultUrl: vault.url,
      caCertPath: vault.caCertPath,
      identityEndpoint: identity.endpoint,
      identityHeader: identity.header,
      auditApiUrl: auditApi.url,
      auditApiKey: auditApi.apiKey,
      auditKind: auditApi.kind,
      auditAuth: auditApi.auth,
    };
    return { info, azurite, gateway, identity, vault, auditApi, auditEvents, stop: () => stopAll(started) };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

function auditEventsOptions(given: Partial<AuditEventsOptions> = {}): AuditEventsOptions {
  const spanSeconds = given.spanSeconds ?? DEFAULT_SPAN_SECONDS;
  const start = given.start ?? new Date(Date.now() - DEFAULT_END_OFFSET_MS - spanSeconds * 1000);
  return { ...given, count: given.count ?? DEFAULT_EVENTS, start, spanSeconds };
}

/** Stops in reverse start order; every piece is stopped even if one fails. */
async function stopAll(started: Array<{ stop(): Promise<void> }>): Promise<void> {
  const errors: unknown[] = [];
  for (const piece of [...started].reverse()) {
    try {
      await piece.stop();
    } catch (error) {
      errors.push(error);
    }
  }
  started.length = 0;
  if (errors.length > 0) throw new AggregateError(errors, 'some stack pieces failed to stop');
}
