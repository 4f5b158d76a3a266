import { randomBytes } from 'node:crypto';

/** One version of a secret. Times are unix seconds, as on the wire. */
export interface SecretVersion {
  version: string;
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled: boolean;
  nbf?: number;
  exp?: number;
  created: number;
  updated: number;
}

export interface Secret {
  /** The name as first written; Key Vault names are case-insensitive but keep their spelling. */
  name: string;
  /** Oldest first; the last one is the "current" version that a versionless get returns. */
  versions: SecretVersion[];
}

export interface NewVersion {
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

const key = (name: string): string => name.toLowerCase();

/** Secrets and their versions, in memory. */
export class SecretStore {
  private readonly secrets = new Map<string, Secret>();

  /** Adds a new version (every set does, as in Azure). */
  addVersion(name: string, input: NewVersion): { secret: Secret; version: SecretVersion } {
    let secret = this.secrets.get(key(name));
    if (!secret) {
      secret = { name, versions: [] };
      this.secrets.set(key(name), secret);
    }
    const t = Math.floor(Date.now() / 1000);
    const version: SecretVersion = {
      // Azure's versions are 32 lowercase hex digits.
      version: randomBytes(16).toString('hex'),
      value: input.value,
      contentType: input.contentType,
      tags: input.tags,
      enabled: input.enabled ?? true,
      nbf: input.nbf,
      exp: input.exp,
      created: t,
      updated: t,
    };
    secret.versions.push(version);
    return { secret, version };
  }

  has(name: string): boolean {
    return this.secrets.has(key(name));
  }

  /** A version, or the current (last written) one when `version` is empty. */
  getVersion(name: string, version = ''): { secret: Secret; version: SecretVersion } | undefined {
    const secret = this.secrets.get(key(name));
    if (!secret) return undefined;
    const found = version
      ? secret.versions.find((v) => v.version === version.toLowerCase())
      : secret.versions[secret.versions.length - 1];
    return found ? { secret, version: found } : undefined;
  }
}
