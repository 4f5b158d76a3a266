import type { Seeded } from './seed';
import type { StackInfo } from './stack';

/** App settings that point the exporter at a running local stack (what local.settings.json holds for `func start`). */
export function exporterEnv(info: StackInfo, seeded: Seeded, extra: Record<string, string> = {}): Record<string, string> {
  return {
    AUDIT_API_URL: info.auditApiUrl,
    AUDIT_API_KEY_SECRET_NAME: seeded.auditApiKeySecretName,
    AUDIT_API_KIND: info.auditKind,
    AUDIT_API_AUTH: info.auditAuth,
    ADLS_DFS_ENDPOINT: info.dfsEndpoint,
    ADLS_FILE_SYSTEM: seeded.fileSystem,
    ADLS_PATH: 'immuta-audit',
    KEY_VAULT_URL: info.keyVaultUrl,
    SAS_SECRET_NAME: seeded.sasSecretName,
    VERIFY_SAS_SECRET_NAME: seeded.verifySasSecretName,
    AzureWebJobsStorage: info.azureWebJobsStorage,
    IDENTITY_ENDPOINT: info.identityEndpoint,
    IDENTITY_HEADER: info.identityHeader,
    ...extra,
  };
}
