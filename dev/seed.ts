import type { LocalStack } from './stack';
import { adminClient, fileSystemSas, setStoredAccessPolicy } from './sas';

export interface SeedOptions {
  fileSystem?: string;
  sasSecretName?: string;
  auditApiKeySecretName?: string;
  /** Stored access policy the SAS is bound to, so the runbook's revocation step works locally. */
  policyId?: string;
  sasLifetimeDays?: number;
}

export interface Seeded {
  fileSystem: string;
  sasSecretName: string;
  auditApiKeySecretName: string;
  policyId: string;
}

/**
 * Prepares a fresh stack as an operator prepares Azure: a file system, a Create + Write SAS bound to a
 * stored access policy, and both secrets (SAS and audit API key) in the vault.
 */
export async function seedStack(stack: LocalStack, options: SeedOptions = {}): Promise<Seeded> {
  const fileSystem = options.fileSystem ?? 'audit-output';
  const sasSecretName = options.sasSecretName ?? 'audit-export-sas';
  const auditApiKeySecretName = options.auditApiKeySecretName ?? 'audit-api-key';
  const policyId = options.policyId ?? 'exporter-1';
  const account = stack.info;

  await adminClient(account).getContainerClient(fileSystem).createIfNotExists();
  const expiresOn = new Date(Date.now() + (options.sasLifetimeDays ?? 30) * 24 * 3600 * 1000);
  await setStoredAccessPolicy(account, fileSystem, { id: policyId, permissions: 'cw', expiresOn });
  stack.vault.setSecret(sasSecretName, fileSystemSas(account, { fileSystem, policyId }));
  stack.vault.setSecret(auditApiKeySecretName, stack.info.auditApiKey);
  return { fileSystem, sasSecretName, auditApiKeySecretName, policyId };
}
