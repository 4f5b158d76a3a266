import { isRestError } from '@azure/core-rest-pipeline';
import { ExportError, ensureError } from '../../errors';
import { redact } from '../../redact';

const AUTH_CODES = new Set([
  'AuthenticationFailed',
  'AuthorizationFailure',
  'AuthorizationPermissionMismatch',
  'AuthorizationProtocolMismatch',
  'AuthorizationSourceIPMismatch',
  'AuthorizationResourceTypeMismatch',
  'AuthorizationServiceMismatch',
]);

/** Storage SDK errors as ExportErrors: classified once, here, and with no request URL or header in the text. */
export function storageError(error: unknown, what: string): ExportError {
  if (error instanceof ExportError) return error;
  if (!isRestError(error)) {
    const e = ensureError(error);
    if (e.name === 'AbortError') return new ExportError('Aborted', `${what}: aborted`, { kind: 'retryable', cause: e });
    return new ExportError('StorageUnreachable', `${what}: ${redact(e.message)}`, { kind: 'retryable' });
  }
  const status = error.statusCode ?? 0;
  const code = (error.details as { errorCode?: string } | undefined)?.errorCode ?? error.code ?? `HTTP${status}`;
  const message = `${what}: ${status} ${code}`;
  if (code === 'InvalidFlushPosition') return new ExportError('FlushPositionMismatch', message, { kind: 'conflict' });
  if (code === 'PathNotFound' || code === 'BlobNotFound') return new ExportError('PathNotFound', message, { kind: 'permanent' });
  if (code === 'FilesystemNotFound' || code === 'ContainerNotFound') {
    return new ExportError('FileSystemNotFound', `${message}: create the file system, or fix ADLS_FILE_SYSTEM`, { kind: 'permanent' });
  }
  if (status === 403 || AUTH_CODES.has(code)) return new ExportError('StorageAuthorizationFailed', message, { kind: 'permanent' });
  if (status === 412 || code === 'ConditionNotMet') return new ExportError('ConditionNotMet', message, { kind: 'conflict' });
  const retryable = status === 0 || status === 408 || status === 429 || status >= 500;
  return new ExportError('StorageError', message, { kind: retryable ? 'retryable' : 'permanent' });
}
