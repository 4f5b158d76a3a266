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

export interface DeletedSecret {
  secret: Secret;
  deletedDate: number;
  scheduledPurgeDate: number;
}

export interface NewVersion {
  value: string;
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

export interface VersionPatch {
  contentType?: string;
  tags?: Record<string, string>;
  enabled?: boolean;
  nbf?: number;
  exp?: number;
}

/** The vault's soft-delete retention; Azure's default, also reported as `recoverableDays`. */
export const RECOVERABLE_DAYS = 90;

const now = (): number => Math.floor(Date.now() / 1000);
const key = (name: string): string => name.toLowerCase();

/**
 * Secrets and their versions, in memory. Soft delete is modelled because Azure's is always on: a deleted
 * name cannot be set again until it is purged or recovered.
 */
export class SecretStore {
  private readonly live = new Map<string, Secret>();
  private readonly deleted = new Map<string, DeletedSecret>();

  isDeleted(name: string): boolean {
    return this.deleted.has(key(name));
  }

  /** Adds a new version (every set does, as in Azure); the caller checks `isDeleted` first. */
  addVersion(name: string, input: NewVersion): { secret: Secret; version: SecretVersion } {
    let secret = this.live.get(key(name));
    if (!secret) {
      secret = { name, versions: [] };
      this.live.set(key(name), secret);
    }
    const t = now();
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

  get(name: string): Secret | undefined {
    return this.live.get(key(name));
  }

  /** A version, or the current (last written) one when `version` is empty. */
  getVersion(name: string, version = ''): { secret: Secret; version: SecretVersion } | undefined {
    const secret = this.live.get(key(name));
    if (!secret) return undefined;
    const found = version
      ? secret.versions.find((v) => v.version === version.toLowerCase())
      : secret.versions[secret.versions.length - 1];
    return found ? { secret, version: found } : undefined;
  }

  list(): Secret[] {
    return [...this.live.values()];
  }

  update(name: string, version: string, patch: VersionPatch): { secret: Secret; version: SecretVersion } | undefined {
    const found = this.getVersion(name, version);
    if (!found) return undefined;
    const v = found.version;
    if (patch.contentType !== undefined) v.contentType = patch.contentType;
    if (patch.tags !== undefined) v.tags = patch.tags;
    if (patch.enabled !== undefined) v.enabled = patch.enabled;
    if (patch.nbf !== undefined) v.nbf = patch.nbf;
    if (patch.exp !== undefined) v.exp = patch.exp;
    v.updated = now();
    return found;
  }

  delete(name: string): DeletedSecret | undefined {
    const secret = this.live.get(key(name));
    if (!secret) return undefined;
    this.live.delete(key(name));
    const deletedDate = now();
    const entry = { secret, deletedDate, scheduledPurgeDate: deletedDate + RECOVERABLE_DAYS * 24 * 3600 };
    this.deleted.set(key(name), entry);
    return entry;
  }

  getDeleted(name: string): DeletedSecret | undefined {
    return this.deleted.get(key(name));
  }

  listDeleted(): DeletedSecret[] {
    return [...this.deleted.values()];
  }

  purge(name: string): boolean {
    return this.deleted.delete(key(name));
  }

  recover(name: string): Secret | undefined {
    const entry = this.deleted.get(key(name));
    if (!entry) return undefined;
    this.deleted.delete(key(name));
    this.live.set(key(name), entry.secret);
    return entry.secret;
  }
}
