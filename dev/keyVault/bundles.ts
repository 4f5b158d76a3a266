import type { Secret, SecretVersion } from './store';

// The wire shape of a secret (SecretBundle); times in unix seconds.

/** What a vault with soft delete (always on in Azure, 90 days by default) reports on every secret. */
const RECOVERY = { recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 };

function attributes(v: SecretVersion): Record<string, unknown> {
  const a: Record<string, unknown> = { enabled: v.enabled };
  if (v.nbf !== undefined) a.nbf = v.nbf;
  if (v.exp !== undefined) a.exp = v.exp;
  a.created = v.created;
  a.updated = v.updated;
  return { ...a, ...RECOVERY };
}

/** The answer to Set Secret and Get Secret: the value, its versioned id and attributes. */
export function secretBundle(vaultUrl: string, secret: Secret, v: SecretVersion): Record<string, unknown> {
  const body: Record<string, unknown> = { value: v.value, id: `${vaultUrl}/secrets/${secret.name}/${v.version}`, attributes: attributes(v) };
  if (v.contentType !== undefined) body.contentType = v.contentType;
  if (v.tags !== undefined) body.tags = v.tags;
  return body;
}
