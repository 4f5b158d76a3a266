import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http/server';
import type { TokenClaims } from '../identity/jwt';
import type { TokenIssuer } from '../identity/tokenIssuer';
import { deletedSecretBundle, deletedSecretItem, secretBundle, secretItem } from './bundles';
import { authenticate, challengeHeader } from './challenge';
import {
  badParameter,
  deletedSecretNotFound,
  disabledSecret,
  forbiddenByRbac,
  methodNotAllowed,
  nameInDeletedState,
  notFound,
  secretNotFound,
  secretVersionNotFound,
  unauthorized,
  VaultError,
} from './errors';
import { page } from './paging';
import { checkName, parseJson, parseSetParameters, parseUpdateParameters } from './requests';
import type { SecretStore } from './store';

export interface VaultContext {
  store: SecretStore;
  issuer: TokenIssuer;
  tenantId: string;
  /** Canonical base URL (https://127.0.0.1:PORT) used in ids and nextLinks, as Azure uses the vault's own URI. */
  vaultUrl: string;
  callerAllowed(): boolean;
  record(entry: VaultRequest): void;
}

/** What the vault remembers of a request: never a token or a secret value. */
export interface VaultRequest {
  method: string;
  /** Path and query (the query holds only api-version, maxresults and $skiptoken). */
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
      throw forbiddenByRbac(callerOf(auth.claims), actionOf(method, route), ctx.vaultUrl);
    }
    const { status: s, body } = await dispatch(ctx, method, route, url, req);
    status = s;
    if (body === undefined) {
      res.writeHead(s, { ...headers, 'content-length': '0' });
      res.end();
    } else {
      sendJson(res, s, body, headers);
    }
  } catch (error) {
    const e = error instanceof VaultError ? error : new VaultError(500, 'InternalServerError', 'The local vault failed.');
    status = e.status;
    sendJson(res, e.status, e.body(), headers);
  } finally {
    ctx.record({ method, path: url.pathname + url.search, status, authenticated });
  }
}

type Route =
  | { kind: 'secrets' }
  | { kind: 'secret'; name: string }
  | { kind: 'versions'; name: string }
  | { kind: 'version'; name: string; version: string }
  | { kind: 'deletedSecrets' }
  | { kind: 'deletedSecret'; name: string }
  | { kind: 'recover'; name: string };

/** `/secrets/{name}/` (the SDK's "latest version" form, with an empty version) is the same as `/secrets/{name}`. */
function parseRoute(pathname: string): Route {
  const segments = pathname.split('/').slice(1);
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  let parts: string[];
  try {
    parts = segments.map((s) => decodeURIComponent(s));
  } catch {
    throw badParameter('The request URI is not valid.');
  }
  const [collection, name, third, ...rest] = parts;
  if (rest.length > 0) throw notFound();
  if (name !== undefined) checkName(name);
  if (collection === 'secrets') {
    if (name === undefined) return { kind: 'secrets' };
    if (third === undefined) return { kind: 'secret', name };
    if (third === 'versions') return { kind: 'versions', name };
    return { kind: 'version', name, version: third };
  }
  if (collection === 'deletedsecrets') {
    if (name === undefined) return { kind: 'deletedSecrets' };
    if (third === undefined) return { kind: 'deletedSecret', name };
    if (third === 'recover') return { kind: 'recover', name };
  }
  throw notFound();
}

type Reply = { status: number; body?: unknown };

async function dispatch(ctx: VaultContext, method: string, route: Route, url: URL, req: IncomingMessage): Promise<Reply> {
  const { store, vaultUrl } = ctx;
  switch (route.kind) {
    case 'secrets':
      if (method !== 'GET') throw methodNotAllowed(method);
      return {
        status: 200,
        body: page(
          store.list().map((s) => secretItem(vaultUrl, s, s.versions[s.versions.length - 1], false)),
          url,
          vaultUrl,
        ),
      };
    case 'secret':
      if (method === 'PUT') {
        const params = parseSetParameters(await readJson(req));
        if (store.isDeleted(route.name)) throw nameInDeletedState(route.name);
        const { secret, version } = store.addVersion(route.name, params);
        return { status: 200, body: secretBundle(vaultUrl, secret, version) };
      }
      if (method === 'GET') return getVersion(ctx, route.name, '');
      if (method === 'DELETE') {
        const deleted = store.delete(route.name);
        if (!deleted) throw secretNotFound(route.name);
        return { status: 200, body: deletedSecretBundle(vaultUrl, deleted) };
      }
      throw methodNotAllowed(method);
    case 'versions': {
      if (method !== 'GET') throw methodNotAllowed(method);
      const secret = store.get(route.name);
      if (!secret) throw secretNotFound(route.name);
      return { status: 200, body: page(secret.versions.map((v) => secretItem(vaultUrl, secret, v, true)), url, vaultUrl) };
    }
    case 'version':
      if (method === 'GET') return getVersion(ctx, route.name, route.version);
      if (method === 'PATCH') {
        const patch = parseUpdateParameters(await readJson(req));
        const updated = store.update(route.name, route.version, patch);
        if (!updated) throw notFoundFor(ctx, route.name, route.version);
        return { status: 200, body: secretBundle(vaultUrl, updated.secret, updated.version, false) };
      }
      throw methodNotAllowed(method);
    case 'deletedSecrets':
      if (method !== 'GET') throw methodNotAllowed(method);
      return { status: 200, body: page(store.listDeleted().map((d) => deletedSecretItem(vaultUrl, d)), url, vaultUrl) };
    case 'deletedSecret': {
      if (method === 'GET') {
        const deleted = store.getDeleted(route.name);
        if (!deleted) throw deletedSecretNotFound(route.name);
        return { status: 200, body: deletedSecretBundle(vaultUrl, deleted) };
      }
      if (method === 'DELETE') {
        if (!store.purge(route.name)) throw deletedSecretNotFound(route.name);
        return { status: 204 };
      }
      throw methodNotAllowed(method);
    }
    case 'recover': {
      if (method !== 'POST') throw methodNotAllowed(method);
      const secret = store.recover(route.name);
      if (!secret) throw deletedSecretNotFound(route.name);
      return { status: 200, body: secretBundle(vaultUrl, secret, secret.versions[secret.versions.length - 1], false) };
    }
  }
}

/**
 * A versionless get returns the current (last written) version, and fails if that version is disabled: Azure
 * does not fall back to an older enabled one. nbf/exp are not enforced on get, as Azure documents for secrets.
 */
function getVersion(ctx: VaultContext, name: string, version: string): Reply {
  const found = ctx.store.getVersion(name, version);
  if (!found) throw notFoundFor(ctx, name, version);
  if (!found.version.enabled) throw disabledSecret('get');
  return { status: 200, body: secretBundle(ctx.vaultUrl, found.secret, found.version) };
}

function notFoundFor(ctx: VaultContext, name: string, version: string): VaultError {
  return version && ctx.store.get(name) ? secretVersionNotFound(name, version) : secretNotFound(name);
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
function actionOf(method: string, route: Route): string {
  const base = 'Microsoft.KeyVault/vaults';
  if (route.kind === 'deletedSecrets' || route.kind === 'deletedSecret' || route.kind === 'recover') {
    return method === 'DELETE' ? `${base}/deletedSecrets/delete` : `${base}/deletedSecrets/read`;
  }
  switch (method) {
    case 'PUT':
      return `${base}/secrets/setSecret/action`;
    case 'PATCH':
      return `${base}/secrets/update/action`;
    case 'DELETE':
      return `${base}/secrets/delete`;
    default:
      return route.kind === 'secret' || route.kind === 'version'
        ? `${base}/secrets/getSecret/action`
        : `${base}/secrets/readMetadata/action`;
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
