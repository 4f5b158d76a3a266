import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { signJwt, verifyJwtSignature } from './jwt';

export interface TokenIssuer {
  /** A token for the app's system-assigned identity. */
  issue(resource: string): { token: string; expiresOn: number /* unix s */ };
  verify(token: string, audience: string): 'ok' | 'expired' | 'invalid';
  /** The tenant in the tokens' `tid`/`iss`; the vault names it in its challenge. */
  readonly tenantId: string;
}

export interface TokenIssuerOptions {
  /** Token lifetime; App Service managed-identity tokens live about 24 h. May be <= 0 to mint expired tokens in tests. */
  lifetimeSeconds?: number;
}

/** A fixed, obviously fake tenant, so the vault's challenge and the tokens agree without configuration. */
export const DEV_TENANT_ID = '00000000-0000-4000-8000-00000000a11d';

const DEFAULT_LIFETIME_SECONDS = 24 * 3600;

/**
 * Stands in for Entra ID: mints JWT-shaped access tokens signed with a key that never leaves this
 * process, so a vault sharing the issuer accepts exactly the tokens it made and nothing forged.
 */
export function createTokenIssuer(options: TokenIssuerOptions = {}): TokenIssuer {
  const key = randomBytes(32);
  const tenantId = DEV_TENANT_ID;
  const lifetime = options.lifetimeSeconds ?? DEFAULT_LIFETIME_SECONDS;
  // The system-assigned identity gets a client id (and so an object id) of its own, fixed for the issuer's life.
  const appid = randomUUID();
  const oid = objectIdFor(tenantId, appid);

  return {
    tenantId,
    issue(resource) {
      const now = Math.floor(Date.now() / 1000);
      const exp = now + lifetime;
      const token = signJwt(
        {
          aud: resource,
          iss: `https://sts.windows.net/${tenantId}/`,
          tid: tenantId,
          oid,
          sub: oid,
          appid,
          idtyp: 'app',
          iat: now,
          nbf: now,
          exp,
        },
        key,
      );
      return { token, expiresOn: exp };
    },
    verify(token, audience) {
      const claims = verifyJwtSignature(token, key);
      if (!claims) return 'invalid';
      if (trimSlash(claims.aud) !== trimSlash(audience)) return 'invalid';
      if (claims.tid !== tenantId) return 'invalid';
      const now = Date.now() / 1000;
      if (typeof claims.exp !== 'number' || claims.exp <= now) return 'expired';
      // Entra ID tolerates a little clock skew on nbf; a token from this same clock never needs it.
      if (typeof claims.nbf === 'number' && claims.nbf > now + 300) return 'invalid';
      return 'ok';
    },
  };
}

/** Entra ID treats "https://vault.azure.net" and "https://vault.azure.net/" as the same audience. */
function trimSlash(value: string): string {
  return typeof value === 'string' ? value.replace(/\/+$/, '') : '';
}

/** A stable object id per (tenant, client id), shaped like a GUID, so RBAC messages name the same caller each time. */
function objectIdFor(tenantId: string, clientId: string): string {
  const h = createHash('sha256').update(`${tenantId}/${clientId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
