// The three ways a client proves it holds the API key (AuditAuth in types.ts). Key comparisons are
// constant-time: both sides are hashed first, so the lengths match for timingSafeEqual.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenStore } from './tokens';
import type { AuditAuth } from './types';

export const AUTH_MODES: readonly AuditAuth[] = ['bearer', 'apikey', 'immuta-token'];

export interface AuthFailure {
  message: string;
  headers: Record<string, string>;
}

export interface Exchange {
  status: number;
  body: object;
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const RAW = /^\s*(\S+)\s*$/;

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

export class Authenticator {
  private keyDigest: Buffer;

  constructor(readonly mode: AuditAuth, apiKey: string, private readonly tokens: TokenStore) {
    this.keyDigest = digest(apiKey);
  }

  /** A rotated key: the old one is refused from now on (tokens already issued stay valid until they expire). */
  setKey(apiKey: string): void {
    this.keyDigest = digest(apiKey);
  }

  /** For GET /audit: undefined if the Authorization header is good, else why not. */
  check(header: string | undefined): AuthFailure | undefined {
    const h = header ?? '';
    if (this.mode === 'apikey') {
      const m = RAW.exec(h);
      return m && this.isKey(m[1]) ? undefined : { message: 'missing or invalid API key; send Authorization: <api key>', headers: {} };
    }
    const m = BEARER.exec(h);
    const challenge = { 'www-authenticate': 'Bearer' };
    if (this.mode === 'bearer') return m && this.isKey(m[1]) ? undefined : { message: 'missing or invalid API key', headers: challenge };
    const state = m ? this.tokens.check(m[1]) : 'unknown';
    if (state === 'valid') return undefined;
    const message = state === 'expired'
      ? 'the token has expired; exchange the API key again at POST /bim/apikey/authenticate'
      : 'missing or unknown token; exchange the API key at POST /bim/apikey/authenticate';
    return { message, headers: challenge };
  }

  /** POST /bim/apikey/authenticate with the parsed JSON body (undefined if it was not JSON). */
  exchange(body: unknown): Exchange {
    const apikey = typeof body === 'object' && body !== null ? (body as { apikey?: unknown }).apikey : undefined;
    if (typeof apikey !== 'string') return fail(400, 'Bad Request', 'the body must be JSON {"apikey": "<key>"}');
    if (!this.isKey(apikey)) return fail(401, 'Unauthorized', 'invalid API key');
    return { status: 200, body: { authenticated: true, token: this.tokens.issue() } };
  }

  private isKey(candidate: string): boolean {
    return timingSafeEqual(digest(candidate), this.keyDigest);
  }
}

function fail(status: number, error: string, message: string): Exchange {
  return { status, body: { statusCode: status, error, message } };
}
