/**
 * Key Vault's error body: `{"error":{"code","message","innererror"?}}`. The SDK turns it into a RestError whose
 * `code` is `error.code` and whose `details.error.innerError.code` carries the inner code (e.g. ForbiddenByRbac).
 */
export class VaultError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly innerCode?: string,
  ) {
    super(message);
  }

  body(): unknown {
    const error: Record<string, unknown> = { code: this.code, message: this.message };
    if (this.innerCode) error.innererror = { code: this.innerCode };
    return { error };
  }
}

export const secretNotFound = (name: string): VaultError =>
  new VaultError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be ` +
      'able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182',
  );

export const secretVersionNotFound = (name: string, version: string): VaultError =>
  new VaultError(
    404,
    'SecretNotFound',
    `A secret with (name/id) ${name}/${version} was not found in this key vault. If you recently deleted this secret you may be ` +
      'able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182',
  );

export const badParameter = (message: string): VaultError => new VaultError(400, 'BadParameter', message);

export const disabledSecret = (operation: string): VaultError =>
  new VaultError(403, 'Forbidden', `Operation ${operation} is not allowed on a disabled secret.`, 'SecretDisabled');

/** What Azure answers when the identity has no data-plane role (RBAC vault); the message shape follows Azure's. */
export const forbiddenByRbac = (caller: string, action: string, vaultUrl: string): VaultError =>
  new VaultError(
    403,
    'Forbidden',
    'Caller is not authorized to perform action on resource.\r\n' +
      'If role assignments, deny assignments or role definitions were changed recently, please observe propagation time.\r\n' +
      `Caller: ${caller}\r\nAction: '${action}'\r\nResource: '${vaultUrl}'\r\nAssignment: (not found)\r\n` +
      'DenyAssignmentId: null\r\nDecisionReason: null \r\nVault: local-vault;location=local\r\n',
    'ForbiddenByRbac',
  );

export const unauthorized = (message: string): VaultError => new VaultError(401, 'Unauthorized', message);

export const notFound = (): VaultError => new VaultError(404, 'NotFound', 'The requested resource was not found.');

export const methodNotAllowed = (method: string): VaultError =>
  new VaultError(405, 'MethodNotAllowed', `The requested method ${method} is not allowed on this resource.`);

/** An operation of the secrets API this vault leaves out: said plainly rather than as a 404 that misleads. */
export const notImplemented = (): VaultError =>
  new VaultError(501, 'NotImplemented', 'The local vault implements only Set Secret and Get Secret (latest or a version).');
