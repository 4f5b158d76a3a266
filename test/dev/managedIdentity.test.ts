// The local managed-identity endpoint and token issuer, exercised through the real @azure/identity credentials
// (App Service protocol, chosen by msal-node from IDENTITY_ENDPOINT + IDENTITY_HEADER) and raw HTTP.
import { DefaultAzureCredential, ManagedIdentityCredential } from '@azure/identity';
import {
  DEV_TENANT_ID,
  createTokenIssuer,
  decodeJwtPayload,
  startManagedIdentity,
  type ManagedIdentityEndpoint,
  type TokenIssuer,
} from '../../dev/identity';
import { useManagedIdentity } from '../support/identityEnv';

const VAULT_SCOPE = 'https://vault.azure.net/.default';
const VAULT_RESOURCE = 'https://vault.azure.net';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let issuer: TokenIssuer;
let identity: ManagedIdentityEndpoint;
let restoreEnv: () => void = () => undefined;

beforeAll(async () => {
  issuer = createTokenIssuer();
  identity = await startManagedIdentity({ issuer });
  restoreEnv = useManagedIdentity(identity.endpoint, identity.header);
});

afterAll(async () => {
  restoreEnv();
  await identity?.stop();
});

function tokenUrl(query: Record<string, string>): string {
  const url = new URL(identity.endpoint);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

describe('token issuer', () => {
  it('issues JWT-shaped tokens with the Entra ID claims the fakes rely on', () => {
    const before = Math.floor(Date.now() / 1000);
    const { token, expiresOn } = createTokenIssuer({ lifetimeSeconds: 600 }).issue(VAULT_RESOURCE);
    const [header, , signature] = token.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const claims = decodeJwtPayload(token)!;
    expect(claims).toMatchObject({ aud: VAULT_RESOURCE, iss: `https://sts.windows.net/${DEV_TENANT_ID}/`, tid: DEV_TENANT_ID });
    expect(claims.appid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(claims.oid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(claims.iat).toBeGreaterThanOrEqual(before);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.exp).toBe(claims.iat + 600);
    expect(expiresOn).toBe(claims.exp);
  });

  it('verifies signature, audience and expiry', () => {
    const { token } = issuer.issue(VAULT_RESOURCE);
    expect(issuer.verify(token, VAULT_RESOURCE)).toBe('ok');
    expect(issuer.verify(token, `${VAULT_RESOURCE}/`)).toBe('ok'); // same audience with or without the slash
    expect(issuer.verify(token, 'https://storage.azure.com')).toBe('invalid');
    expect(createTokenIssuer().verify(token, VAULT_RESOURCE)).toBe('invalid'); // another issuer's key

    // Same claims, re-signed by nobody: swap in a payload with a later expiry but keep the signature.
    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 3600 })).toString('base64url')}.${s}`;
    expect(issuer.verify(tampered, VAULT_RESOURCE)).toBe('invalid');
    expect(issuer.verify('not-a-jwt', VAULT_RESOURCE)).toBe('invalid');
    expect(issuer.verify('', VAULT_RESOURCE)).toBe('invalid');

    const shortLived = createTokenIssuer({ lifetimeSeconds: -1 });
    expect(shortLived.verify(shortLived.issue(VAULT_RESOURCE).token, VAULT_RESOURCE)).toBe('expired');
  });
});

describe('managed identity endpoint over raw HTTP (App Service 2019-08-01)', () => {
  it('answers with an absolute expires_on and the token for the resource', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await fetch(tokenUrl({ 'api-version': '2019-08-01', resource: VAULT_RESOURCE }), {
      headers: { 'X-IDENTITY-HEADER': identity.header },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await res.json()) as Json;
    expect(body).toEqual({
      access_token: expect.any(String),
      expires_on: expect.stringMatching(/^\d+$/),
      resource: VAULT_RESOURCE,
      token_type: 'Bearer',
      client_id: expect.any(String),
    });
    expect(Number(body.expires_on)).toBeGreaterThanOrEqual(before + 24 * 3600);
    expect(issuer.verify(body.access_token, VAULT_RESOURCE)).toBe('ok');
    expect(decodeJwtPayload(body.access_token)?.appid).toBe(body.client_id);
  });

  it('refuses a user-assigned identity with 400: the app has only its system-assigned one', async () => {
    for (const kind of ['client_id', 'mi_res_id', 'object_id']) {
      const res = await fetch(tokenUrl({ 'api-version': '2019-08-01', resource: VAULT_RESOURCE, [kind]: 'uai' }), {
        headers: { 'X-IDENTITY-HEADER': identity.header },
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as Json).access_token).toBeUndefined();
    }
  });

  it('refuses a request without the secret header, or with a wrong one, with 401', async () => {
    const url = tokenUrl({ 'api-version': '2019-08-01', resource: VAULT_RESOURCE });
    const missing = await fetch(url);
    expect(missing.status).toBe(401);
    const missingBody = (await missing.json()) as Json;
    expect(missingBody.access_token).toBeUndefined();
    expect(missingBody.error.code).toBe('unauthorized');
    const wrong = await fetch(url, { headers: { 'X-IDENTITY-HEADER': `${identity.header}x` } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as Json).access_token).toBeUndefined();
  });

  it('refuses a missing resource or another api-version with 400', async () => {
    const headers = { 'X-IDENTITY-HEADER': identity.header };
    expect((await fetch(tokenUrl({ 'api-version': '2019-08-01' }), { headers })).status).toBe(400);
    expect((await fetch(tokenUrl({ 'api-version': '2017-09-01', resource: VAULT_RESOURCE }), { headers })).status).toBe(400);
    expect((await fetch(tokenUrl({ resource: VAULT_RESOURCE }), { headers })).status).toBe(400);
  });
});

describe('managed identity through @azure/identity', () => {
  it('ManagedIdentityCredential gets a vault token; msal-node sends the resource without /.default', async () => {
    const token = await new ManagedIdentityCredential().getToken(VAULT_SCOPE);
    expect(issuer.verify(token.token, VAULT_RESOURCE)).toBe('ok');
    expect(decodeJwtPayload(token.token)?.aud).toBe(VAULT_RESOURCE);
    expect(token.tokenType).toBe('Bearer');
    // expires_on was read as absolute: about 24 h ahead, not 24 h after 1970.
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 23 * 3600 * 1000);
    expect(token.expiresOnTimestamp).toBe((decodeJwtPayload(token.token)?.exp ?? 0) * 1000);
  });

  it('DefaultAzureCredential (unchanged) reaches the same endpoint', async () => {
    const token = await new DefaultAzureCredential().getToken(VAULT_SCOPE);
    expect(issuer.verify(token.token, VAULT_RESOURCE)).toBe('ok');
  });

  it('fails when the process has the wrong IDENTITY_HEADER', async () => {
    // msal-node keeps the managed-identity source (endpoint and header) in a static after its first use, so a
    // changed environment is only seen by a fresh copy of the library.
    const freshIdentity = (): typeof import('@azure/identity') => {
      let fresh!: typeof import('@azure/identity');
      jest.isolateModules(() => {
        fresh = require('@azure/identity');
      });
      return fresh;
    };
    process.env.IDENTITY_HEADER = 'not-the-header';
    try {
      const credential = new (freshIdentity().ManagedIdentityCredential)();
      await expect(credential.getToken(VAULT_SCOPE)).rejects.toThrow(/X-IDENTITY-HEADER/);
    } finally {
      process.env.IDENTITY_HEADER = identity.header;
    }
    // Another fresh copy with the right header works, so the failure above was the header alone.
    const credential = new (freshIdentity().ManagedIdentityCredential)();
    await expect(credential.getToken(VAULT_SCOPE)).resolves.toMatchObject({ tokenType: 'Bearer' });
  });
});
