import { auditAuth } from '../adapters/auditApi/auditAuth';
import { HttpAuditSource } from '../adapters/auditApi/httpAuditSource';
import type { Settings } from '../config/settings';
import { systemClock } from '../ports/clock';
import type { AuditSource } from '../ports/auditSource';
import { redactingLogger } from '../ports/logger';
import type { SecretProvider } from '../ports/secretProvider';

/** The audit API for --against-api: the export's own settings and key, a short retry as test-connection has. */
export async function verifySource(settings: Settings, secrets: SecretProvider, opts: { abortSignal: AbortSignal }): Promise<AuditSource> {
  const apiKey = settings.auditApiKeySecretName ? await secrets.getSecret(settings.auditApiKeySecretName, opts) : undefined;
  const requestTimeoutMs = settings.auditRequestTimeoutSeconds * 1000;
  return new HttpAuditSource({
    baseUrl: settings.auditApiUrl,
    kind: settings.auditApiKind,
    auth: auditAuth({ mode: settings.auditApiAuth, baseUrl: settings.auditApiUrl, apiKey: apiKey?.value, requestTimeoutMs }),
    requestTimeoutMs,
    retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 4000 },
    pageBuffers: 1,
    clock: systemClock,
    logger: redactingLogger(() => undefined),
  });
}
