import { RECOVERABLE_DAYS, type DeletedSecret, type Secret, type SecretVersion } from './store';

// Wire shapes of the secrets REST API (SecretBundle, SecretItem, DeletedSecretBundle); times in unix seconds.

function attributes(v: SecretVersion): Record<string, unknown> {
  const a: Record<string, unknown> = { enabled: v.enabled };
  if (v.nbf !== undefined) a.nbf = v.nbf;
  if (v.exp !== undefined) a.exp = v.exp;
  a.created = v.created;
  a.updated = v.updated;
  a.recoveryLevel = 'Recoverable+Purgeable';
  a.recoverableDays = RECOVERABLE_DAYS;
  return a;
}

function withOptional(body: Record<string, unknown>, v: SecretVersion): Record<string, unknown> {
  if (v.contentType !== undefined) body.contentType = v.contentType;
  if (v.tags !== undefined) body.tags = v.tags;
  return body;
}

const secretId = (vaultUrl: string, secret: Secret, v?: SecretVersion): string =>
  `${vaultUrl}/secrets/${secret.name}${v ? `/${v.version}` : ''}`;

/** Get/set answer with the value; update and recover answer without it, as Azure does. */
export function secretBundle(vaultUrl: string, secret: Secret, v: SecretVersion, withValue = true): Record<string, unknown> {
  const body: Record<string, unknown> = withValue ? { value: v.value } : {};
  body.id = secretId(vaultUrl, secret, v);
  body.attributes = attributes(v);
  return withOptional(body, v);
}

/** A list entry: never a value. Version lists name each version; the secrets list names only the secret. */
export function secretItem(vaultUrl: string, secret: Secret, v: SecretVersion, versioned: boolean): Record<string, unknown> {
  return withOptional({ id: secretId(vaultUrl, secret, versioned ? v : undefined), attributes: attributes(v) }, v);
}

export function deletedSecretBundle(vaultUrl: string, d: DeletedSecret): Record<string, unknown> {
  const current = d.secret.versions[d.secret.versions.length - 1];
  return {
    recoveryId: `${vaultUrl}/deletedsecrets/${d.secret.name}`,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
    ...secretBundle(vaultUrl, d.secret, current, false),
  };
}

export function deletedSecretItem(vaultUrl: string, d: DeletedSecret): Record<string, unknown> {
  const current = d.secret.versions[d.secret.versions.length - 1];
  return {
    recoveryId: `${vaultUrl}/deletedsecrets/${d.secret.name}`,
    deletedDate: d.deletedDate,
    scheduledPurgeDate: d.scheduledPurgeDate,
    ...secretItem(vaultUrl, d.secret, current, false),
  };
}
