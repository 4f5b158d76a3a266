import type { LocalStack } from './stack';
import { adminClient, fileSystemSas, setStoredAccessPolicy } from './sas';

export interface SeedOptions {
  fileSystem?: string;
  sasSecretName?: string;
  /** The auditor's Read + List SAS for `verify`, bound to its own policy so it is revoked apart from the exporter's. */
  verifySasSecretName?: string;
  verifyPolicyId?: string;
  auditApiKeySecretName?: string;
  /** Stored access policy the SAS is bound to, so the runbook's revocation step works locally. */
  policyId?: string;
  sasLifetimeDays?: number;
}

export interface Seeded {
  fileSystem: string;
  sasSecretName: string;
  verifySasSecretName: string;
  auditApiKeySecretName: string;
  policyId: string;
  verifyPolicyId: string;
}

/**
 * Prepares a fresh stack as an operator prepares Azure: a file system, a Create + Write SAS bound to a
 * stored access policy, an auditor's Read + List SAS bound to another, and the secrets (both SAS and the audit
 * API key) in the vault.
 */
export async function seedStack(stack: LocalStack, options: SeedOptions = {}): Promise<Seeded> {
  const fileSystem = options.fileSystem ?? 'audit-output';
  const sasSecretName = options.sasSecretName ?? 'audit-export-sas';
  const auditApiKeySecretName = options.auditApiKeySecretName ?? 'audit-api-key';
  const policyId = options.policyId ?? 'exporter-1';
  const verifySasSecretName = options.verifySasSecretName ?? 'audit-verify-sas';
  const verifyPolicyId = options.verifyPolicyId ?? 'verifier-1';
  const account = stack.info;

  await adminClient(account).getContainerClient(fileSystem).createIfNotExists();
  const expiresOn = new Date(Date.now() + (options.sasLifetimeDays ?? 30) * 24 * 3600 * 1000);
  await setStoredAccessPolicy(account, fileSystem, { id: policyId, permissions: 'cw', expiresOn });
  stack.vault.setSecret(sasSecretName, fileSystemSas(account, { fileSystem, policyId }));
  await setStoredAccessPolicy(account, fileSystem, { id: verifyPolicyId, permissions: 'rl', expiresOn });
  stack.vault.setSecret(verifySasSecretName, fileSystemSas(account, { fileSystem, policyId: verifyPolicyId }));
  stack.vault.setSecret(auditApiKeySecretName, stack.info.auditApiKey);
  return { fileSystem, sasSecretName, verifySasSecretName, auditApiKeySecretName, policyId, verifyPolicyId };
}
