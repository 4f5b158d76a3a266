import { createHmac, timingSafeEqual } from 'node:crypto';

/** Claims the local issuer puts in a token: the subset of an Entra ID access token that the fakes read. */
export interface TokenClaims {
  aud: string;
  iss: string;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  idtyp: 'app';
  iat: number;
  nbf: number;
  exp: number;
}

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

/** Signs claims as a compact JWS (HS256). HMAC, not RSA: only the issuer's own process has to check it. */
export function signJwt(claims: TokenClaims, key: Buffer): string {
  const signingInput = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${signingInput}.${hmac(signingInput, key)}`;
}

/** The claims of a token whose signature checks out under `key`; undefined for anything else. */
export function verifyJwtSignature(token: string, key: Buffer): TokenClaims | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
  const expected = Buffer.from(hmac(`${parts[0]}.${parts[1]}`, key));
  const given = Buffer.from(parts[2]);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  return decodeJwtPayload(token);
}

/** Reads a token's claims without checking it (for messages such as the RBAC 403's "Caller: oid=..."). */
export function decodeJwtPayload(token: string): TokenClaims | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as TokenClaims) : undefined;
  } catch {
    return undefined;
  }
}

function hmac(input: string, key: Buffer): string {
  return createHmac('sha256', key).update(input).digest('base64url');
}
