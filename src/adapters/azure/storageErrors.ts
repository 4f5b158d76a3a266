import { isRestError } from '@azure/core-rest-pipeline';
import { ExportError, ensureError } from '../../errors';
import { redact } from '../../redact';
import { statusKind } from '../../retry/statusKind';

const AUTH_CODES = new Set([
  'AuthenticationFailed',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'AuthorizationProtocolMismatch',
  'AuthorizationSourceIPMismatch',
  'AuthorizationResourceTypeMismatch',
  'AuthorizationServiceMismatch',
]);

/**
 * The HTTP status and service error code of a storage SDK error. The code travels in `x-ms-error-code`
 * (details.errorCode) or, for some dfs operations, only in the JSON body (RestError.code).
 */
export function restErrorInfo(error: unknown): { status?: number; code?: string } {
  const e = error as { statusCode?: number; code?: string; details?: { errorCode?: string } } | undefined;
  return { status: e?.statusCode, code: e?.details?.errorCode ?? e?.code };
}

/**
 * Storage SDK errors as ExportErrors: classified once, here, and with no request URL or header in the text.
 * `fileSystem` (the lake's) is named when it is missing.
 */
export function storageError(error: unknown, what: string, fileSystem?: string): ExportError {
  if (error instanceof ExportError) return error;
  if (!isRestError(error)) {
    const e = ensureError(error);
    if (e.name === 'AbortError') return new ExportError('Aborted', `${what}: aborted`, { kind: 'retryable', cause: e });
    return new ExportError('StorageUnreachable', `${what}: ${redact(e.message)}`, { kind: 'retryable' });
  }
  const info = restErrorInfo(error);
  // No status: the request got no answer (refused, reset), and the code says how; another try may get one.
  if (!info.status) return new ExportError('StorageUnreachable', `${what}: ${info.code ?? redact(error.message)}`, { kind: 'retryable' });
  const status = info.status;
  const code = info.code ?? `HTTP${status}`;
  const message = `${what}: ${status} ${code}`;
  // Content written through the Blob API cannot be extended through the dfs API at any position: the fence never holds.
  if (code === 'InvalidFlushPosition' || code === 'InvalidFlushOperation') return new ExportError('FlushPositionMismatch', message, { kind: 'conflict' });
  if (code === 'PathNotFound' || code === 'BlobNotFound') return new ExportError('PathNotFound', message, { kind: 'permanent' });
  if (code === 'FilesystemNotFound' || code === 'ContainerNotFound') {
    const which = fileSystem ? `the file system "${fileSystem}" does not exist` : 'the file system does not exist';
    return new ExportError('FileSystemNotFound', `${message}: ${which}; create it, or fix ADLS_FILE_SYSTEM`, { kind: 'permanent' });
  }
  if (status === 403 || AUTH_CODES.has(code)) return new ExportError('StorageAuthorizationFailed', message, { kind: 'permanent' });
  if (status === 412 || code === 'ConditionNotMet') return new ExportError('ConditionNotMet', message, { kind: 'conflict' });
  return new ExportError('StorageError', message, { kind: statusKind(status) });
}
