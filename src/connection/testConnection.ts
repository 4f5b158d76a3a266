import { probeStateStorage } from '../adapters/azure/stateProbe';
import { LINK_TIMEOUTS_MS, type LinkName } from '../config/defaults';
import type { Composition } from '../run/composition';
import { ensureError } from '../errors';
import type { Secret } from '../ports/secretProvider';
import { redact, safeUrl } from '../redact';
import { checkConfiguredSas, sasInvalid } from '../sas/sasCheck';
import { probeAuditApi } from './auditApiProbe';
import { recordConnection } from './recordConnection';
import { connectionStatusOf, type Check, type ConnectionReport } from './report';
import { withinLink } from './withinLink';

export { formatReport, type ConnectionReport } from './report';

export interface TestConnectionOptions {
  /** Cancels the whole test; each link is also held to its own time (LINK_TIMEOUTS_MS). */
  abortSignal: AbortSignal;
  /** Shorter times, for tests. */
  linkTimeoutsMs?: Partial<Record<LinkName, number>>;
}

const VAULT_SCOPE = 'https://vault.azure.net/.default';
const PROBE_FILE = '_probe/connection-test.txt';
const LINKS = ['identity', 'vault', 'sas', 'lake', 'state', 'audit-api'];

/**
 * Checks each link the export depends on, in order, each in a time of its own; a link that fails skips the ones
 * that need it, with the adapters a run uses. The outcome is kept as the connection status (when the settings are
 * good enough to know where). `getRoot` throws when the settings are bad: that is the first check.
 */
export async function testConnection(getRoot: () => Composition, options: TestConnectionOptions): Promise<ConnectionReport> {
  const checks: Check[] = [];
  const pass = (name: string, detail: string) => checks.push({ name, result: 'PASS', detail });
  const warn = (name: string, detail: string, fix: string) => checks.push({ name, result: 'WARN', detail, fix });
  const fail = (name: string, error: unknown, fix: string) => checks.push({ name, result: 'FAIL', detail: redact(ensureError(error).message), fix });
  const skip = (name: string, needs: string) => checks.push({ name, result: 'SKIP', detail: `not checked: needs ${needs}` });
  const limits = { ...LINK_TIMEOUTS_MS, ...options.linkTimeoutsMs };
  const link = <T>(name: LinkName, peer: string, check: (abortSignal: AbortSignal) => Promise<T>) => withinLink(peer, limits[name], options.abortSignal, check);

  let root: Composition;
  try {
    root = getRoot();
    pass('settings', 'valid');
  } catch (error) {
    fail('settings', error, 'set the named app settings (README, "Settings")');
    for (const name of LINKS) skip(name, 'valid settings');
    return { connectionStatus: 'FAILED', checks };
  }

  const { settings, credential, clock } = root;
  let identityOk = false;
  try {
    await link('identity', 'the managed identity endpoint (IDENTITY_ENDPOINT)', (abortSignal) => credential.getToken(VAULT_SCOPE, { abortSignal }));
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
      [sas, apiKey] = await link('vault', `Key Vault ${safeUrl(settings.keyVaultUrl)} (KEY_VAULT_URL)`, async (abortSignal) => [
        await root.secrets.getSecret(settings.sasSecretName, { abortSignal }),
        settings.auditApiKeySecretName ? await root.secrets.getSecret(settings.auditApiKeySecretName, { abortSignal }) : undefined,
      ]);
      pass('vault', `read ${[settings.sasSecretName, settings.auditApiKeySecretName].filter(Boolean).join(' and ')} from ${settings.keyVaultUrl}`);
    } catch (error) {
      fail('vault', error, 'check KEY_VAULT_URL, the secret names, the vault network rules, and that the identity has "Key Vault Secrets User"');
    }
  }

  // A SAS that works but expires soon is a warning, as it is for a run: the connection works today.
  let sasWarnings: string[] | undefined;
  let sasUsable = false;
  if (!sas) skip('sas', 'the SAS secret');
  else {
    const verdict = checkConfiguredSas(settings, sas.value.reveal(), clock.now());
    const expiring = verdict.warnings.filter((w) => w.kind === 'expiring');
    sasWarnings = verdict.warnings.map((w) => w.text);
    sasUsable = verdict.errors.length === 0;
    if (verdict.errors.length > 0) {
      fail('sas', sasInvalid(verdict), 'create a SAS with Create + Write and a later expiry; set it as a new version of the secret');
    } else if (expiring.length > 0) {
      // The expiry first: it is what the operator must act on.
      const others = verdict.warnings.filter((w) => w.kind !== 'expiring');
      warn('sas', [...expiring, ...others].map((w) => w.text).join('; '), 'create a SAS with a later expiry and set it as a new version of the secret before then');
    } else pass('sas', ['Create + Write, not expiring soon', ...sasWarnings].join('; '));
  }

  if (!sas || !sasUsable) skip('lake', 'a usable SAS');
  else {
    const path = `${settings.path}/${PROBE_FILE}`;
    try {
      const lake = root.lake(sas.value);
      await link('lake', `the lake ${safeUrl(settings.dfsEndpoint)} (ADLS_ACCOUNT_NAME/ADLS_DFS_ENDPOINT)`, (abortSignal) =>
        lake.writeProbe(path, `connection test ${clock.now().toISOString()}\n`, { abortSignal }),
      );
      pass('lake', `wrote ${settings.fileSystem}/${path}`);
    } catch (error) {
      fail('lake', error, 'check ADLS_ACCOUNT_NAME/ADLS_DFS_ENDPOINT and ADLS_FILE_SYSTEM, that the file system exists, and that the SAS is for it with Create + Write');
    }
  }

  if ('blobServiceUri' in settings.stateStorage && !identityOk) skip('state', 'an identity token');
  else {
    try {
      const detail = await link('state', `host storage ${root.state.peer.endpoint} (AzureWebJobsStorage)`, (abortSignal) => probeStateStorage(root.state, root.configId, { abortSignal, now: clock.now() }));
      pass('state', detail);
    } catch (error) {
      fail('state', error, "check AzureWebJobsStorage: the storage account's endpoint, its key (or the identity's Storage Blob Data Owner role), and its network rules");
    }
  }

  if (settings.auditApiKeySecretName && !apiKey) skip('audit-api', 'the API key secret');
  else {
    try {
      const detail = await link('audit-api', `the audit API ${safeUrl(settings.auditApiUrl)} (AUDIT_API_URL)`, (abortSignal) =>
        probeAuditApi(root, { apiKey: apiKey?.value, abortSignal, timeoutMs: limits['audit-api'] }),
      );
      pass('audit-api', detail);
    } catch (error) {
      fail('audit-api', error, 'check AUDIT_API_URL, the network path to it, and the key in AUDIT_API_KEY_SECRET_NAME');
    }
  }

  const report: ConnectionReport = { connectionStatus: connectionStatusOf(checks), checks };
  await recordConnection(root.status, report, sasWarnings, clock.now());
  return report;
}
