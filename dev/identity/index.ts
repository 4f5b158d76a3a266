// Local stand-in for Entra ID as a managed identity sees it: a token issuer and the App Service token endpoint.
export { DEV_TENANT_ID, createTokenIssuer, type TokenIssuer } from './tokenIssuer';
export { startManagedIdentity, type ManagedIdentityEndpoint } from './server';
export { decodeJwtPayload } from './jwt';
