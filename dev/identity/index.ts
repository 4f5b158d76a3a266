// Local stand-in for Entra ID as a managed identity sees it: a token issuer and the App Service token endpoint.
export { createTokenIssuer, DEV_TENANT_ID, type TokenIssuer, type TokenIssuerOptions } from './tokenIssuer';
export { startManagedIdentity, type ManagedIdentityEndpoint, type ManagedIdentityOptions } from './server';
export { decodeJwtPayload, type TokenClaims } from './jwt';
