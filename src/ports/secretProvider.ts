import type { SecretValue } from '../redact';

export interface Secret {
  name: string;
  value: SecretValue;
  version: string;
}

/** Reads secrets (the SAS token, the audit API key) by name, always the latest version. */
export interface SecretProvider {
  getSecret(name: string, options: { abortSignal: AbortSignal }): Promise<Secret>;
}
