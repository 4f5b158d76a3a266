import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http/server';
import type { TokenClaims } from '../identity/jwt';
import type { TokenIssuer } from '../identity/tokenIssuer';
import { secretBundle } from './bundles';
import { authenticate, challengeHeader } from './challenge';
import {
  badParameter,
  disabledSecret,
  forbiddenByRbac,
  methodNotAllowed,
  notFound,
  notImplemented,
  secretNotFound,
  secretVersionNotFound,
  unauthorized,
  VaultError,
} from './errors';
import { checkName, parseJson, parseSetParameters } from './requests';
import type { SecretStore } from './store';

export interface VaultContext {
  store: SecretStore;
  issuer: TokenIssuer;
  tenantId: string;
  /** Canonical base URL (https://127.0.0.1:PORT) used in ids, as Azure uses the vault's own URI. */
  vaultUrl: string;
  callerAllowed(): boolean;
  record(entry: VaultRequest): void;
}

/** What the vault remembers of a request: never a token or a secret value. */
export interface VaultRequest {
  method: string;
  /** Path and query (the query holds only api-version). */
  path: string;
  status: number;
  authenticated: boolean;
}

/** api-version as Key Vault names them: 7.x (optionally -preview) and the newer date form the SDK now sends. */
const API_VERSION = /^(\d+\.\d+|\d{4}-\d{2}-\d{2})(-preview(\.\d+)?)?$/;
const MAX_BODY_BYTES = 1024 * 1024;
const SERVICE_VERSION = '1.9.0.0-local';

export async function handleVaultRequest(ctx: VaultContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', ctx.vaultUrl);
  const headers = serviceHeaders(req);
  let status = 500;
  let authenticated = false;
  try {
    // Authentication comes before anything else, so the SDK's body-less first request always gets the challenge.
    const auth = authenticate(req.headers.authorization, ctx.issuer, ctx.tenantId);
    if (auth.kind !== 'ok') {
      headers['www-authenticate'] = challengeHeader(ctx.tenantId);
      // No token: the empty-bodied 401 Azure sends; a bad token: also a 401 with the challenge, plus the reason.
      if (auth.kind === 'missing') {
        status = 401;
        res.writeHead(401, { ...headers, 'content-length': '0' });
        res.end();
        return;
      }
      throw unauthorized(auth.message);
    }
    authenticated = true;
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) throw badParameter('The api-version query parameter (?api-version=) is required for all requests.');
    if (!API_VERSION.test(apiVersion)) throw badParameter(`The specified version (${apiVersion}) is not recognized.`);
    const route = parseRoute(url.pathname);
    if (!ctx.callerAllowed()) {
      throw forbiddenByRbac(callerOf(auth.claims), actionOf(method), ctx.vaultUrl);
    }
    const body = await dispatch(ctx, method, route, req);
    status = 200;
    sendJson(res, 200, body, headers);
  } catch (error) {
    const e = error instanceof VaultError ? error : new VaultError(500, 'InternalServerError', 'The local vault failed.');
    status = e.status;
    sendJson(res, e.status, e.body(), headers);
  } finally {
    ctx.record({ method, path: url.pathname + url.search, status, authenticated });
  }
}

/** A secret, at a version or (empty) the latest. */
interface Route {
  name: string;
  version: string;
}

/**
 * `/secrets/{name}` and `/secrets/{name}/{version}`; `/secrets/{name}/` (the SDK's "latest version" form, an empty
 * version) is the same as `/secrets/{name}`. The API's other paths (lists, deleted secrets) are left out.
 */
function parseRoute(pathname: string): Route {
  const segments = pathname.split('/').slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  let parts: string[];
  try {
    parts = segments.map((s) => decodeURIComponent(s));
  } catch {
    throw badParameter('The request URI is not valid.');
  }
  const [collection, name, version = '', ...rest] = parts;
  if (rest.length > 0 || (collection !== 'secrets' && collection !== 'deletedsecrets')) throw notFound();
  if (name !== undefined) checkName(name);
  if (collection === 'deletedsecrets' || name === undefined || version === 'versions') throw notImplemented();
  return { name, version };
}

/** The SecretBundle a Get Secret or Set Secret answers with (200). */
async function dispatch(ctx: VaultContext, method: string, route: Route, req: IncomingMessage): Promise<unknown> {
  if (method === 'GET') return getVersion(ctx, route.name, route.version);
  if (method === 'PUT' && route.version === '') {
    const { secret, version } = ctx.store.addVersion(route.name, parseSetParameters(await readJson(req)));
    return secretBundle(ctx.vaultUrl, secret, version);
  }
  if (method === 'DELETE' || method === 'PATCH') throw notImplemented(); // Delete Secret, Update Secret
  throw methodNotAllowed(method);
}

/**
 * A versionless get returns the current (last written) version, and fails if that version is disabled: Azure
 * does not fall back to an older enabled one. nbf/exp are not enforced on get, as Azure documents for secrets.
 */
function getVersion(ctx: VaultContext, name: string, version: string): unknown {
  const found = ctx.store.getVersion(name, version);
  if (!found) throw notFoundFor(ctx, name, version);
  if (!found.version.enabled) throw disabledSecret('get');
  return secretBundle(ctx.vaultUrl, found.secret, found.version);
}

function notFoundFor(ctx: VaultContext, name: string, version: string): VaultError {
  return version && ctx.store.has(name) ? secretVersionNotFound(name, version) : secretNotFound(name);
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let raw: Buffer;
  try {
    raw = await readBody(req, MAX_BODY_BYTES);
  } catch {
    throw badParameter('The request body is too large or could not be read.');
  }
  return parseJson(raw);
}

function callerOf(claims: TokenClaims): string {
  return `appid=${claims.appid};oid=${claims.oid};iss=${claims.iss}`;
}

/** The RBAC data action Azure names in its 403 for this request. */
function actionOf(method: string): string {
  const base = 'Microsoft.KeyVault/vaults/secrets';
  switch (method) {
    case 'PUT':
      return `${base}/setSecret/action`;
    case 'PATCH':
      return `${base}/update/action`;
    case 'DELETE':
      return `${base}/delete`;
    default:
      return `${base}/getSecret/action`;
  }
}

/** Azure's cheap per-response headers; the SDK lets x-ms-keyvault-* through its log sanitizer. */
function serviceHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {
    'cache-control': 'no-cache',
    'x-ms-request-id': randomUUID(),
    'x-ms-keyvault-service-version': SERVICE_VERSION,
    'x-ms-keyvault-region': 'local',
    'x-ms-keyvault-network-info': `conn_type=Ipv4;addr=${req.socket.remoteAddress ?? ''};act_addr_fam=InterNetwork;`,
    'x-content-type-options': 'nosniff',
    'strict-transport-security': 'max-age=31536000;includeSubDomains',
  };
  const clientRequestId = req.headers['x-ms-client-request-id'];
  if (typeof clientRequestId === 'string') headers['x-ms-client-request-id'] = clientRequestId;
  return headers;
}
