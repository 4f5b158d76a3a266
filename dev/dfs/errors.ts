// Azure dfs-style errors: status + x-ms-error-code + JSON {"error":{"code","message"}}.
import type { IncomingHttpHeaders } from 'node:http';

export class DfsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message?: string,
  ) {
    super(message ?? MESSAGES[code] ?? code);
  }
}

/** Azure's texts where known (dfs error table / service responses). */
const MESSAGES: Record<string, string> = {
  PathNotFound: 'The specified path does not exist.',
  FilesystemNotFound: 'The specified filesystem does not exist.',
  PathAlreadyExists: 'The specified path already exists.',
  FilesystemAlreadyExists: 'The specified filesystem already exists.',
  AuthenticationFailed:
    'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
  AuthorizationPermissionMismatch: 'This request is not authorized to perform this operation using this permission.',
  ConditionNotMet: 'The condition specified using HTTP conditional header(s) is not met.',
  InvalidFlushPosition:
    'The uploaded data is not contiguous or the position query parameter value is not equal to the length of the file after appending the uploaded data.',
  InvalidFlushOperation:
    'The resource was created or modified by the Azure Blob Service API and cannot be written to by the Azure Data Lake Storage Service API.',
  ContentLengthMustBeZero: 'The Content-Length request header must be zero.',
  Md5Mismatch: 'The MD5 value specified in the request did not match with the MD5 value calculated by the server.',
  DirectoryNotEmpty: 'The recursive query parameter value must be true to delete a non-empty directory.',
  MissingRequiredQueryParameter: 'A query parameter that is mandatory for this request is not specified.',
  InvalidQueryParameterValue: 'Value for one of the query parameters specified in the request URI is invalid.',
  MissingContentLengthHeader: 'The Content-Length header was not specified.',
  InvalidHeaderValue: 'The value for one of the HTTP headers is not in the correct format.',
  RequestBodyTooLarge: 'The request body is too large and exceeds the maximum permissible limit.',
  LeaseIdMissing: 'There is currently a lease on the resource and no lease ID was specified in the request.',
  NotImplemented: 'The requested operation is not implemented by the local dfs gateway.',
};

// Azurite speaks the Blob API; translate the codes whose dfs spelling differs.
// Azurite answers a bad signature, an expired SAS and a removed stored access policy with
// 403 AuthorizationFailure; real Azure reports all three as 403 AuthenticationFailed.
const FROM_BLOB: Record<string, string> = {
  BlobNotFound: 'PathNotFound',
  ContainerNotFound: 'FilesystemNotFound',
  BlobAlreadyExists: 'PathAlreadyExists',
  ContainerAlreadyExists: 'FilesystemAlreadyExists',
  AuthorizationFailure: 'AuthenticationFailed',
};

/** Turns an Azurite XML error response into the dfs error a real account would give. */
export function fromAzurite(status: number, headers: IncomingHttpHeaders, body: Buffer): DfsError {
  const xml = body.toString('utf8');
  const blobCode = headerText(headers['x-ms-error-code']) ?? /<Code>([^<]*)<\/Code>/.exec(xml)?.[1] ?? `Http${status}`;
  const code = FROM_BLOB[blobCode] ?? blobCode;
  const azuriteMessage = /<Message>([^<\n]*)/.exec(xml)?.[1];
  return new DfsError(status, code, MESSAGES[code] ?? azuriteMessage);
}

export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
