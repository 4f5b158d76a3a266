import type { TokenCredential } from '@azure/core-auth';
import { DefaultAzureCredential } from '@azure/identity';
import { AdlsLakeWriter } from '../adapters/azure/adlsLakeWriter';
import { KeyVaultSecretProvider } from '../adapters/azure/keyVaultSecrets';
import { auditAuth } from '../adapters/auditApi/auditAuth';
import { HttpAuditSource } from '../adapters/auditApi/httpAuditSource';
import { composeState } from '../compose';
import { loadSettings, type Settings } from '../config/settings';
import { ensureError } from '../errors';
import { systemClock } from '../ports/clock';
import { redactingLogger } from '../ports/logger';
import type { Secret } from '../ports/secretProvider';
import { redact } from '../redact';
import { checkConfiguredSas } from '../sas/sasCheck';
import { updateStatus } from '../status/updateStatus';
import { hourOf } from '../window/window';

export interface Check {
  name: string;
  result: 'PASS' | 'FAIL' | 'SKIP';
  detail: string;
  fix?: string;
}

export interface ConnectionReport {
  connectionStatus: 'SUCCESS' | 'FAILED';
  checks: Check[];
}

const VAULT_SCOPE = 'https://vault.azure.net/.default';
export const PROBE_FILE = '_probe/connection-test.txt';

/**
 * Checks each link the export depends on, in order; a link that fails skips the ones that need it.
 * The outcome is kept as the connection status (when the settings are good enough to know where).
 */
export async function testConnection(env: Record<string, string | undefined>, options: { abortSignal: AbortSignal; credential?: TokenCredential }): Promise<ConnectionReport> {
  const checks: Check[] = [];
  const pass = (name: string, detail: string) => checks.push({ name, result: 'PASS', detail });
  const fail = (name: string, error: unknown, fix: string) => checks.push({ name, result: 'FAIL', detail: redact(ensureError(error).message), fix });
  const skip = (name: string, needs: string) => checks.push({ name, result: 'SKIP', detail: `not checked: needs ${needs}` });
  const opts = { abortSignal: options.abortSignal };

  let settings: Settings;
  try {
    settings = loadSettings(env);
    pass('settings', 'valid');
  } catch (error) {
    fail('settings', error, 'set the named app settings (README, "Settings")');
    for (const name of ['identity', 'vault', 'sas', 'lake', 'audit-api']) skip(name, 'valid settings');
    return { connectionStatus: 'FAILED', checks };
  }

  const credential = options.credential ?? new DefaultAzureCredential();
  let identityOk = false;
  try {
    await credential.getToken(VAULT_SCOPE, opts);
    identityOk = true;
    pass('identity', 'the managed identity got a token for Key Vault');
  } catch (error) {
    fail('identity', error, "enable the Function App's managed identity (locally: set IDENTITY_ENDPOINT and IDENTITY_HEADER from `npm run stack`)");
  }

  let sas: Secret | undefined;
  let apiKey: Secret | undefined;
  if (!identityOk) skip('vault', 'an identity token');
  else {
    try {
      const vault = new KeyVaultSecretProvider(settings.keyVaultUrl, credential);
      sas = await vault.getSecret(settings.sasSecretName, opts);
      if (settings.auditApiKeySecretName) apiKey = await vault.getSecret(settings.auditApiKeySecretName, opts);
      pass('vault', `read ${[settings.sasSecretName, settings.auditApiKeySecretName].filter(Boolean).join(' and ')} from ${settings.keyVaultUrl}`);
    } catch (error) {
      fail('vault', error, 'check KEY_VAULT_URL, the secret names, the vault network rules, and that the identity has "Key Vault Secrets User"');
    }
  }

  let sasOk = false;
  if (!sas) skip('sas', 'the SAS secret');
  else {
    const verdict = checkConfiguredSas(settings, sas.value.reveal(), new Date());
    const expiring = verdict.warnings.filter((w) => w.includes('rotate it before then'));
    if (verdict.errors.length > 0 || expiring.length > 0) {
      fail('sas', new Error([...verdict.errors, ...expiring].join('; ')), 'create a SAS with Create + Write and a later expiry; set it as a new version of the secret');
    } else pass('sas', ['Create + Write, not expiring soon', ...verdict.warnings].join('; '));
    sasOk = verdict.errors.length === 0;
  }

  if (!sas || !sasOk) skip('lake', 'a usable SAS');
  else {
    const path = `${settings.path}/${PROBE_FILE}`;
    try {
      const lake = new AdlsLakeWriter({ dfsEndpoint: settings.dfsEndpoint, fileSystem: settings.fileSystem, sas: sas.value });
      await lake.writeProbe(path, `connection test ${new Date().toISOString()}\n`, opts);
      pass('lake', `wrote ${settings.fileSystem}/${path}`);
    } catch (error) {
      fail('lake', error, 'check ADLS_ACCOUNT_NAME/ADLS_DFS_ENDPOINT and ADLS_FILE_SYSTEM, that the file system exists, and that the SAS is for it with Create + Write');
    }
  }

  if (settings.auditApiKeySecretName && !apiKey) skip('audit-api', 'the API key secret');
  else {
    try {
      const source = new HttpAuditSource({
        baseUrl: settings.auditApiUrl,
        kind: settings.auditApiKind,
        auth: auditAuth({ mode: settings.auditApiAuth, baseUrl: settings.auditApiUrl, apiKey: apiKey?.value, requestTimeoutMs: settings.auditRequestTimeoutSeconds * 1000 }),
        requestTimeoutMs: settings.auditRequestTimeoutSeconds * 1000,
        retry: { maxAttempts: 2, baseDelayMs: 500, maxDelayMs: 2000 },
        clock: systemClock,
        logger: redactingLogger(() => undefined),
      });
      const end = hourOf(new Date());
      const window = { start: new Date(end.getTime() - 3600_000), end };
      const page = await source.fetchPage({ window, from: window.start, to: window.end, offset: 0, size: 1 }, opts);
      const counted = page.count === undefined ? 'without a count' : `${page.count} events in the last full hour`;
      pass('audit-api', `${settings.auditApiUrl} (${settings.auditApiKind}, auth ${settings.auditApiAuth}) answered: ${counted}`);
    } catch (error) {
      fail('audit-api', error, 'check AUDIT_API_URL, the network path to it, and the key in AUDIT_API_KEY_SECRET_NAME');
    }
  }

  const report: ConnectionReport = { connectionStatus: checks.every((c) => c.result === 'PASS') ? 'SUCCESS' : 'FAILED', checks };
  await recordConnection(settings, credential, report);
  return report;
}

/** Keeps the outcome as the connection status; the report itself is the answer, so a failure to keep it changes nothing. */
function recordConnection(settings: Settings, credential: TokenCredential, report: ConnectionReport): Promise<void> {
  const failed = report.checks.find((c) => c.result === 'FAIL');
  return updateStatus(
    composeState(settings, credential).status,
    (previous) => ({
      ...previous,
      connection: { status: report.connectionStatus, checkedAt: new Date().toISOString(), by: 'test-connection', ...(failed ? { failureReason: `${failed.name}: ${failed.detail}` } : {}) },
    }),
    () => undefined,
  );
}

/** One line per check, with the fix under a failure. */
export function formatReport(report: ConnectionReport): string {
  const lines = report.checks.map((c) => `${c.result} ${c.name.padEnd(9)} ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ''}`);
  return [...lines, `connectionStatus: ${report.connectionStatus}`].join('\n');
}
