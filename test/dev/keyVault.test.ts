// The local Key Vault, driven by the real SecretClient with an unchanged DefaultAzureCredential that reaches the
// local managed-identity endpoint (App Service protocol), all over loopback; TLS is trusted via NODE_EXTRA_CA_CERTS.
import { readFileSync } from 'node:fs';
import { DefaultAzureCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { RestError } from '@azure/core-rest-pipeline';
import { createTokenIssuer, startManagedIdentity, type ManagedIdentityEndpoint, type TokenIssuer } from '../../dev/identity';
import { startKeyVault, type LocalKeyVault } from '../../dev/keyVault';
import { useManagedIdentity } from '../support/identityEnv';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const API = 'api-version=2025-07-01';
const CHALLENGE = /^Bearer authorization="https:\/\/login\.microsoftonline\.com\/([^"]+)", resource="https:\/\/vault\.azure\.net"$/;

let issuer: TokenIssuer;
let identity: ManagedIdentityEndpoint;
let vault: LocalKeyVault;
let client: SecretClient;
let restoreEnv: () => void = () => undefined;

/** What the product does: DefaultAzureCredential, and the resource check off only for a loopback vault. */
function newClient(): SecretClient {
  // The challenge names resource https://vault.azure.net; the SDK wants the vault host to end in
  // ".vault.azure.net", which 127.0.0.1 never does, so a loopback vault needs the check off.
  return new SecretClient(vault.url, new DefaultAzureCredential(), { disableChallengeResourceVerification: true });
}

async function rejection(promise: Promise<unknown>): Promise<RestError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(RestError);
    return error as RestError;
  }
  throw new Error('expected the call to fail');
}

const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  issuer = createTokenIssuer();
  identity = await startManagedIdentity({ issuer });
  vault = await startKeyVault({ issuer });
  restoreEnv = useManagedIdentity(identity.endpoint, identity.header);
  client = newClient();
});

afterAll(async () => {
  restoreEnv();
  await vault?.stop();
  await identity?.stop();
});

describe('local Key Vault over HTTPS', () => {
  it('serves the dev certificate on https://127.0.0.1', () => {
    expect(vault.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(vault.url).toBe(`https://127.0.0.1:${vault.port}`);
    expect(readFileSync(vault.caCertPath, 'utf8')).toContain('BEGIN CERTIFICATE');
  });

  it('answers a request without a token with 401, an empty body and the challenge', async () => {
    const res = await fetch(`${vault.url}/secrets/anything/?${API}`);
    expect(res.status).toBe(401);
    expect(await res.text()).toBe('');
    const challenge = res.headers.get('www-authenticate') ?? '';
    expect(challenge).toMatch(CHALLENGE);
    expect(CHALLENGE.exec(challenge)?.[1]).toBe(issuer.tenantId);
    expect(res.headers.get('x-ms-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('rejects forged, foreign, wrong-audience and expired tokens with 401 and the challenge', async () => {
    vault.setSecret('control', 'x');
    const good = issuer.issue('https://vault.azure.net').token;
    const [h, p] = good.split('.');
    const forged = `${h}.${p}.${Buffer.alloc(32).toString('base64url')}`;
    const foreign = createTokenIssuer().issue('https://vault.azure.net').token;
    const wrongAudience = issuer.issue('https://storage.azure.com').token;
    for (const token of [forged, foreign, wrongAudience, 'garbage']) {
      const res = await fetch(`${vault.url}/secrets/control?${API}`, { headers: bearer(token) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(CHALLENGE);
      expect(((await res.json()) as Json).error.code).toBe('Unauthorized');
    }
    // The control: the same request with a good token passes.
    expect((await fetch(`${vault.url}/secrets/control?${API}`, { headers: bearer(good) })).status).toBe(200);

    // Expired: a vault whose issuer mints tokens that are already past exp.
    const expiring = createTokenIssuer({ lifetimeSeconds: -5 });
    const other = await startKeyVault({ issuer: expiring });
    try {
      const res = await fetch(`${other.url}/secrets/control?${API}`, { headers: bearer(expiring.issue('https://vault.azure.net').token) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(CHALLENGE);
      expect(((await res.json()) as Json).error.message).toMatch(/TokenExpired/);
    } finally {
      await other.stop();
    }
  });

  it('rejects a request without api-version with 400 BadParameter', async () => {
    vault.setSecret('control', 'x');
    const token = issuer.issue('https://vault.azure.net').token;
    const res = await fetch(`${vault.url}/secrets/control`, { headers: bearer(token) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Json).error.code).toBe('BadParameter');
    expect((await fetch(`${vault.url}/secrets/control?${API}`, { headers: bearer(token) })).status).toBe(200);
  });

  it('takes the challenge round trip: first the body-less request without a token, then the real one', async () => {
    const fresh = newClient();
    const before = vault.requests().length;
    await fresh.setSecret('challenge-flow', 'v1');
    const seen = vault.requests().slice(before);
    expect(seen.map((r) => [r.method, r.status, r.authenticated])).toEqual([
      ['PUT', 401, false],
      ['PUT', 200, true],
    ]);
    // The SDK's URL template percent-encodes the parameter name: ?api%2Dversion=…
    expect(decodeURIComponent(seen[1].path)).toMatch(/^\/secrets\/challenge-flow\?api-version=/);
    // Later calls reuse the scope from the challenge and go straight in with a token.
    await fresh.getSecret('challenge-flow');
    const after = vault.requests().slice(before + 2);
    expect(after.map((r) => [r.method, r.status, r.authenticated])).toEqual([['GET', 200, true]]);
    // The versionless get is sent with a trailing slash (empty version).
    expect(decodeURIComponent(after[0].path)).toMatch(/^\/secrets\/challenge-flow\/\?api-version=/);
  });
});

describe('secrets through SecretClient + DefaultAzureCredential', () => {
  it('setSecret makes a new 32-hex version each time; getSecret returns the latest or the one asked for', async () => {
    const first = await client.setSecret('sas-token', 'sv=first');
    const second = await client.setSecret('sas-token', 'sv=second');
    expect(first.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(second.properties.version).toMatch(/^[0-9a-f]{32}$/);
    expect(second.properties.version).not.toBe(first.properties.version);
    expect(second.properties.id).toBe(`${vault.url}/secrets/sas-token/${second.properties.version}`);
    expect(second.properties.vaultUrl).toBe(vault.url);
    expect(second.properties.recoveryLevel).toBe('Recoverable+Purgeable');
    expect(second.properties.recoverableDays).toBe(90);
    expect(second.properties.createdOn).toBeInstanceOf(Date);

    const latest = await client.getSecret('sas-token');
    expect(latest.value).toBe('sv=second');
    expect(latest.properties.version).toBe(second.properties.version);
    const older = await client.getSecret('sas-token', { version: first.properties.version });
    expect(older.value).toBe('sv=first');
  });

  it('rotation: a plain setSecret is what the next getSecret sees', async () => {
    await client.setSecret('rotating', 'old-sas');
    expect((await client.getSecret('rotating')).value).toBe('old-sas');
    await client.setSecret('rotating', 'new-sas');
    expect((await client.getSecret('rotating')).value).toBe('new-sas');
  });

  it('keeps contentType, tags and expiry from the SDK and from direct seeding', async () => {
    const expiresOn = new Date(Math.floor(Date.now() / 1000 + 3600) * 1000);
    await client.setSecret('with-props', 'x', { contentType: 'text/plain', tags: { owner: 'audit' }, expiresOn });
    const got = await client.getSecret('with-props');
    expect(got.properties.contentType).toBe('text/plain');
    expect(got.properties.tags).toEqual({ owner: 'audit' });
    expect(got.properties.expiresOn?.getTime()).toBe(expiresOn.getTime());

    // Azure does not enforce exp on get for secrets; an expired one is still readable.
    const past = new Date(Math.floor(Date.now() / 1000 - 60) * 1000);
    const { version } = vault.setSecret('seeded', 'seeded-value', { contentType: 'application/x-sas', expiresOn: past });
    const seeded = await client.getSecret('seeded');
    expect(seeded.value).toBe('seeded-value');
    expect(seeded.properties.version).toBe(version);
    expect(seeded.properties.contentType).toBe('application/x-sas');
    expect(seeded.properties.expiresOn?.getTime()).toBe(past.getTime());
  });

  it('a missing secret or version is a 404 SecretNotFound RestError', async () => {
    const missing = await rejection(client.getSecret('does-not-exist'));
    expect(missing.statusCode).toBe(404);
    expect(missing.code).toBe('SecretNotFound');
    expect(missing.message).toContain('does-not-exist');

    await client.setSecret('has-versions', 'v');
    const badVersion = await rejection(client.getSecret('has-versions', { version: '0'.repeat(32) }));
    expect(badVersion.statusCode).toBe(404);
    expect(badVersion.code).toBe('SecretNotFound');
  });

  it('an invalid name is a 400 BadParameter', async () => {
    const error = await rejection(client.getSecret('bad_name'));
    expect(error.statusCode).toBe(400);
    expect(error.code).toBe('BadParameter');
  });

  it('a disabled secret answers 403 Forbidden on get', async () => {
    await client.setSecret('switched-off', 'hidden', { enabled: false });
    const error = await rejection(client.getSecret('switched-off'));
    expect(error.statusCode).toBe(403);
    expect(error.code).toBe('Forbidden');
    expect(error.message).toBe('Operation get is not allowed on a disabled secret.');

    vault.setSecret('seeded-off', 'x', { enabled: false });
    expect((await rejection(client.getSecret('seeded-off'))).statusCode).toBe(403);
  });

  it('without an RBAC role every authenticated call is 403 Forbidden (ForbiddenByRbac)', async () => {
    await client.setSecret('guarded', 'g');
    vault.setCallerAccess(false);
    try {
      const error = await rejection(client.getSecret('guarded'));
      expect(error.statusCode).toBe(403);
      expect(error.code).toBe('Forbidden');
      expect(error.message).toMatch(/^Caller is not authorized to perform action on resource\./);
      expect(error.message).toContain('secrets/getSecret/action');
      const details = (error as RestError & { details?: Json }).details;
      expect(details?.error?.innerError?.code).toBe('ForbiddenByRbac');
      expect((await rejection(client.setSecret('guarded', 'h'))).statusCode).toBe(403);
    } finally {
      vault.setCallerAccess(true);
    }
    expect((await client.getSecret('guarded')).value).toBe('g');
  });

  it('the operations it leaves out (list, update, delete, recover, purge) answer 501 NotImplemented', async () => {
    const { properties } = await client.setSecret('kept', 'value');
    const refusals: (() => Promise<unknown>)[] = [
      () => client.listPropertiesOfSecrets().next(),
      () => client.listPropertiesOfSecretVersions('kept').next(),
      () => client.listDeletedSecrets().next(),
      () => client.updateSecretProperties('kept', properties.version!, { enabled: false }),
      () => client.beginDeleteSecret('kept'),
      () => client.getDeletedSecret('kept'),
      () => client.purgeDeletedSecret('kept'),
      async () => (await client.beginRecoverDeletedSecret('never-set')).pollUntilDone(), // it first looks for a live secret of that name
    ];
    for (const refused of refusals) expect(await rejection(refused())).toMatchObject({ statusCode: 501, code: 'NotImplemented' });
    expect((await client.getSecret('kept')).value).toBe('value'); // untouched
  });
});
