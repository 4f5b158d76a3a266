import { createServer } from 'node:https';
import { close, listen } from '../http/server';
import type { TokenIssuer } from '../identity/tokenIssuer';
import { ensureDevCertificate } from '../tls';
import { checkName } from './requests';
import { handleVaultRequest, type VaultRequest } from './server';
import { SecretStore } from './store';


export interface LocalKeyVault {
  /** https://127.0.0.1:PORT — no trailing slash, as ids are built on it. */
  url: string;
  port: number;
  /** The self-signed certificate clients must trust (NODE_EXTRA_CA_CERTS). */
  caCertPath: string;
  /** Seeds a secret directly, as an operator would in the portal; adds a new version. */
  setSecret(name: string, value: string, options?: { contentType?: string; expiresOn?: Date; enabled?: boolean }): { version: string };
  /** false → every authenticated call gets 403 Forbidden/ForbiddenByRbac (the identity has no data-plane role). */
  setCallerAccess(allowed: boolean): void;
  /** Requests seen so far (method, path, status), oldest first, at most the last 1000. Never tokens or values. */
  requests(): readonly VaultRequest[];
  stop(): Promise<void>;
}

export interface KeyVaultOptions {
  /** Tokens are accepted only if this issuer made them for https://vault.azure.net. */
  issuer: TokenIssuer;
  /** 0 or absent: a free port. */
  port?: number;
}

const LOG_LIMIT = 1000;

/** A local Azure Key Vault (set and get secrets) over HTTPS on loopback, with Azure's challenge-based bearer auth. */
export async function startKeyVault(options: KeyVaultOptions): Promise<LocalKeyVault> {
  const { cert, key, certPath } = await ensureDevCertificate();
  const store = new SecretStore();
  const log: VaultRequest[] = [];
  let callerAllowed = true;
  // The port is known only after listen; the handler reads the URL from this holder.
  const ctx = {
    store,
    issuer: options.issuer,
    tenantId: options.issuer.tenantId, // named in the challenge and required as the tokens' `tid`
    vaultUrl: '',
    callerAllowed: () => callerAllowed,
    record(entry: VaultRequest) {
      log.push(entry);
      if (log.length > LOG_LIMIT) log.splice(0, log.length - LOG_LIMIT);
    },
  };
  // HTTPS because the SDK refuses bearer tokens over plain http; the dev certificate is trusted via NODE_EXTRA_CA_CERTS.
  const server = createServer({ cert, key }, (req, res) => {
    void handleVaultRequest(ctx, req, res);
  });
  const port = await listen(server, options.port ?? 0);
  ctx.vaultUrl = `https://127.0.0.1:${port}`;

  return {
    url: ctx.vaultUrl,
    port,
    caCertPath: certPath,
    setSecret(name, value, opts = {}) {
      checkName(name);
      const { version } = store.addVersion(name, {
        value,
        contentType: opts.contentType,
        enabled: opts.enabled,
        exp: opts.expiresOn ? Math.floor(opts.expiresOn.getTime() / 1000) : undefined,
      });
      return { version: version.version };
    },
    setCallerAccess(allowed) {
      callerAllowed = allowed;
    },
    requests: () => [...log],
    stop: () => close(server),
  };
}
