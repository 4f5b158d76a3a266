import type { TokenCredential } from '@azure/core-auth';
import { isRestError } from '@azure/core-rest-pipeline';
import { SecretClient } from '@azure/keyvault-secrets';
import { PEER_TIMEOUTS, type PeerRetry } from '../../config/defaults';
import { isLoopbackHost } from '../../config/names';
import { ExportError, ensureError } from '../../errors';
import type { Secret, SecretProvider } from '../../ports/secretProvider';
import { SecretValue, redact, safeUrl } from '../../redact';
import { statusKind } from '../../retry/statusKind';
import { boundedCall } from './boundedCall';
import type { Peer } from './peer';
import { tryTimeoutPolicy } from './tryTimeoutPolicy';

export interface KeyVaultSecretProviderOptions {
  /** Per try and per call; the defaults' keyVault entry unless given. */
  retry?: PeerRetry;
}

/** SecretProvider over Key Vault with the function's identity; always reads the latest version. */
export class KeyVaultSecretProvider implements SecretProvider {
  private readonly client: SecretClient;
  private readonly peer: Peer;

  constructor(private readonly vaultUrl: string, credential: TokenCredential, options: KeyVaultSecretProviderOptions = {}) {
    const retry = options.retry ?? PEER_TIMEOUTS.keyVault;
    this.peer = { name: 'Key Vault', endpoint: safeUrl(vaultUrl), setting: 'KEY_VAULT_URL', timeoutCode: 'VaultTimeout', retry };
    this.client = new SecretClient(vaultUrl, credential, {
      // A loopback vault (the local stack) cannot match the challenge resource vault.azure.net.
      disableChallengeResourceVerification: isLoopbackHost(new URL(vaultUrl).hostname),
      retryOptions: { maxRetries: retry.maxTries - 1, retryDelayInMs: retry.retryDelayMs, maxRetryDelayInMs: retry.maxRetryDelayMs },
      additionalPolicies: [{ policy: tryTimeoutPolicy(retry.tryTimeoutMs), position: 'perRetry' }],
    });
  }

  async getSecret(name: string, { abortSignal }: { abortSignal: AbortSignal }): Promise<Secret> {
    try {
      const secret = await boundedCall(this.peer, `read secret "${name}"`, abortSignal, (signal) => this.client.getSecret(name, { abortSignal: signal }));
      if (!secret.value) throw new ExportError('SecretEmpty', `secret "${name}" in ${this.vaultUrl} has no value`, { kind: 'permanent' });
      return { name, value: new SecretValue(secret.value), version: secret.properties.version ?? '' };
    } catch (error) {
      throw this.classify(error, name);
    }
  }

  private classify(error: unknown, name: string): ExportError {
    if (error instanceof ExportError) return error;
    const where = `secret "${name}" in Key Vault ${this.vaultUrl}`;
    if (isRestError(error) && error.statusCode !== undefined) {
      if (error.statusCode === 404) {
        return new ExportError('SecretNotFound', `${where} does not exist: create it, or fix the secret name setting`, { kind: 'permanent' });
      }
      if (error.statusCode === 403) {
        return new ExportError('VaultAccessDenied', `the function's identity may not read ${where}: grant it the "Key Vault Secrets User" role on the vault`, { kind: 'permanent' });
      }
      if (error.statusCode === 401) {
        return new ExportError('VaultAuthenticationFailed', `Key Vault ${this.vaultUrl} did not accept the identity's token`, { kind: 'permanent' });
      }
      return new ExportError('VaultError', `reading ${where} failed with HTTP ${error.statusCode}`, { kind: statusKind(error.statusCode) });
    }
    const e = ensureError(error);
    if (e.name === 'CredentialUnavailableError' || e.name === 'AuthenticationError' || e.name === 'AggregateAuthenticationError') {
      return new ExportError('IdentityUnavailable', `no managed identity token for Key Vault: ${redact(e.message.split('\n')[0] ?? '')}`, { kind: 'permanent' });
    }
    return new ExportError('VaultUnreachable', `Key Vault ${this.vaultUrl} could not be reached to read secret "${name}": ${redact(e.message)}`, { kind: 'retryable' });
  }
}
