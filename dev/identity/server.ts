import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { close, listen, sendJson } from '../http/server';
import { decodeJwtPayload } from './jwt';
import type { TokenIssuer } from './tokenIssuer';

export interface ManagedIdentityEndpoint {
  /** http://127.0.0.1:PORT/msi/token — the value for IDENTITY_ENDPOINT. */
  endpoint: string;
  /** Secret for X-IDENTITY-HEADER — the value for IDENTITY_HEADER. */
  header: string;
  port: number;
  stop(): Promise<void>;
}

export interface ManagedIdentityOptions {
  issuer: TokenIssuer;
  /** 0 or absent: a free port. */
  port?: number;
}

const PATH = '/msi/token';
const API_VERSION = '2019-08-01';
// msal-node's AppService source names a user-assigned identity with one of these; the app has none.
const USER_ASSIGNED_PARAMS = ['client_id', 'mi_res_id', 'object_id'];

/**
 * The App Service managed-identity endpoint (protocol 2019-08-01), which msal-node — and so
 * ManagedIdentityCredential/DefaultAzureCredential — uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are set.
 * Plain http on loopback, as in App Service: @azure/identity allows insecure connections for managed identity.
 */
export async function startManagedIdentity(options: ManagedIdentityOptions): Promise<ManagedIdentityEndpoint> {
  const header = randomBytes(24).toString('base64url');
  const server = createServer((req, res) => handle(req, res, options.issuer, header));
  const port = await listen(server, options.port ?? 0);
  return {
    endpoint: `http://127.0.0.1:${port}${PATH}`,
    header,
    port,
    stop: () => close(server),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, issuer: TokenIssuer, header: string): void {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (url.pathname.replace(/\/+$/, '') !== PATH) return fail(res, 404, 'not_found', `No endpoint at ${url.pathname}.`);
  if (req.method !== 'GET') return fail(res, 405, 'method_not_allowed', 'Only GET is supported.');
  // The header proves the caller runs inside the app (it is only in the app's environment), so check it first.
  if (!sameSecret(req.headers['x-identity-header'], header)) {
    return fail(res, 401, 'unauthorized', 'The X-IDENTITY-HEADER header is missing or does not match.');
  }
  const q = url.searchParams;
  if (q.get('api-version') !== API_VERSION) {
    return fail(res, 400, 'invalid_request', `api-version must be ${API_VERSION}.`);
  }
  const resource = q.get('resource');
  if (!resource) return fail(res, 400, 'invalid_request', 'The resource parameter is required.');
  // The function app has its system-assigned identity only, as the infrastructure deploys it.
  if (USER_ASSIGNED_PARAMS.some((p) => q.has(p))) return fail(res, 400, 'invalid_request', 'No user-assigned identity is assigned to this app.');
  const { token, expiresOn } = issuer.issue(resource);
  sendJson(
    res,
    200,
    {
      access_token: token,
      // Absolute unix seconds as a string, as App Service sends it; msal-node computes expires_in from it.
      expires_on: String(expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: decodeJwtPayload(token)?.appid,
    },
    { 'cache-control': 'no-store' },
  );
}

function sameSecret(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** msal-node reads `error.code`/`error.message` (or `message`) from a failed response. */
function fail(res: ServerResponse, status: number, code: string, message: string): void {
  sendJson(res, status, { error: { code, message }, message });
}
