import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
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
  /** Fixed secret header (e.g. to keep a running Functions host's IDENTITY_HEADER valid); random by default. */
  header?: string;
}

const PATH = '/msi/token';
const API_VERSION = '2019-08-01';
// msal-node's AppService source sends user-assigned ids under these names (client_id, mi_res_id, object_id).
const USER_ASSIGNED_PARAMS = ['client_id', 'mi_res_id', 'object_id'] as const;

/**
 * The App Service managed-identity endpoint (protocol 2019-08-01), which msal-node — and so
 * ManagedIdentityCredential/DefaultAzureCredential — uses when IDENTITY_ENDPOINT and IDENTITY_HEADER are set.
 * Plain http on loopback, as in App Service: @azure/identity allows insecure connections for managed identity.
 */
export async function startManagedIdentity(options: ManagedIdentityOptions): Promise<ManagedIdentityEndpoint> {
  const header = options.header ?? randomBytes(24).toString('base64url');
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
  const given = USER_ASSIGNED_PARAMS.filter((p) => q.get(p));
  if (given.length > 1) {
    return fail(res, 400, 'invalid_request', 'Only one of client_id, mi_res_id and object_id may be given.');
  }
  const clientId = userAssignedClientId(given[0], given[0] ? q.get(given[0])! : undefined);
  const { token, expiresOn } = issuer.issue(resource, clientId);
  sendJson(
    res,
    200,
    {
      access_token: token,
      // Absolute unix seconds as a string, as App Service sends it; msal-node computes expires_in from it.
      expires_on: String(expiresOn),
      resource,
      token_type: 'Bearer',
      client_id: decodeJwtPayload(token)?.appid ?? clientId,
    },
    { 'cache-control': 'no-store' },
  );
}

/** A client id for the user-assigned identity named by whichever id kind the caller used. */
function userAssignedClientId(kind: string | undefined, value: string | undefined): string | undefined {
  if (!kind || !value) return undefined;
  if (kind === 'client_id') return value;
  // Resource ids and object ids are mapped to a stable GUID-shaped client id: the same identity each time.
  const h = createHash('sha256').update(`${kind}:${value.toLowerCase()}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
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
