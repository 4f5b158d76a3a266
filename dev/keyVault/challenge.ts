import type { TokenIssuer } from '../identity/tokenIssuer';
import { decodeJwtPayload, type TokenClaims } from '../identity/jwt';

/** The audience Key Vault tokens carry; the challenge names it so the SDK asks for `<resource>/.default`. */
const VAULT_RESOURCE = 'https://vault.azure.net';

/**
 * The WWW-Authenticate challenge Azure Key Vault sends with every 401. The SDK's keyVaultAuthenticationPolicy
 * sends its first request without a token, reads `resource` (→ scope) and the tenant from the `authorization`
 * URL's path, then retries with a token. Its resource check wants the vault host to end in ".vault.azure.net",
 * which 127.0.0.1 cannot, hence `disableChallengeResourceVerification` for loopback clients.
 */
export function challengeHeader(tenantId: string): string {
  return `Bearer authorization="https://login.microsoftonline.com/${tenantId}", resource="${VAULT_RESOURCE}"`;
}

export type Authentication =
  | { kind: 'ok'; claims: TokenClaims }
  | { kind: 'missing' }
  | { kind: 'rejected'; message: string };

/** Checks the bearer token: made by this vault's issuer, for the vault audience, unexpired, from the vault's tenant. */
export function authenticate(authorization: string | undefined, issuer: TokenIssuer, tenantId: string): Authentication {
  if (!authorization) return { kind: 'missing' };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) return { kind: 'rejected', message: 'AKV10000: Request is missing a Bearer or PoP token.' };
  const token = match[1];
  switch (issuer.verify(token, VAULT_RESOURCE)) {
    case 'expired':
      return { kind: 'rejected', message: "[TokenExpired] Error validating token: 'S2S12086'." };
    case 'invalid':
      return { kind: 'rejected', message: 'Error validating token: the token is not valid for this vault (signature, issuer or audience).' };
    case 'ok':
      break;
  }
  const claims = decodeJwtPayload(token);
  if (!claims || claims.tid !== tenantId) {
    return { kind: 'rejected', message: `AKV10032: Invalid issuer. Expected one of https://sts.windows.net/${tenantId}/.` };
  }
  return { kind: 'ok', claims };
}
