// storageError's classification, for the errors the local stack cannot make on demand: real RestErrors as the
// storage SDKs throw them, and the errors that are not RestErrors at all (a body cut off while read, an abort).
import { RestError } from '@azure/core-rest-pipeline';
import { storageError } from '../../src/adapters/azure/storageErrors';

/** What an operator reads: `code/kind: message`. */
const seen = (error: unknown) => {
  const e = storageError(error, 'host storage (AzureWebJobsStorage): load status');
  return `${e.code}/${e.kind}: ${e.message}`;
};

/** A RestError as the SDK builds it from an answer: the status, and the service's code in x-ms-error-code. */
const answered = (status: number, errorCode: string) => {
  const e = new RestError(`service said ${errorCode}`, { statusCode: status, code: errorCode });
  (e as RestError & { details: unknown }).details = { errorCode };
  return e;
};

describe('storageError', () => {
  it('a missing file system or container is FileSystemNotFound (permanent) and names the setting to fix', () => {
    expect(seen(answered(404, 'FilesystemNotFound'))).toBe(
      'FileSystemNotFound/permanent: host storage (AzureWebJobsStorage): load status: 404 FilesystemNotFound: the file system does not exist; create it, or fix ADLS_FILE_SYSTEM',
    );
    expect(seen(answered(404, 'ContainerNotFound'))).toBe(
      'FileSystemNotFound/permanent: host storage (AzureWebJobsStorage): load status: 404 ContainerNotFound: the file system does not exist; create it, or fix ADLS_FILE_SYSTEM',
    );
  });

  it("the lake's missing file system is named", () => {
    const e = storageError(answered(404, 'FilesystemNotFound'), 'append to root/f.ndjson at 0', 'audit-output');
    expect(`${e.code}/${e.kind}: ${e.message}`).toBe(
      'FileSystemNotFound/permanent: append to root/f.ndjson at 0: 404 FilesystemNotFound: the file system "audit-output" does not exist; create it, or fix ADLS_FILE_SYSTEM',
    );
  });

  it('content written through the Blob API, which the dfs API cannot extend (409 InvalidFlushOperation), is FlushPositionMismatch: the fence cannot hold', () => {
    expect(seen(answered(409, 'InvalidFlushOperation'))).toBe('FlushPositionMismatch/conflict: host storage (AzureWebJobsStorage): load status: 409 InvalidFlushOperation');
  });

  it('the code found only in the body (some dfs answers) counts as well', () => {
    expect(seen(new RestError('no file system', { statusCode: 404, code: 'FilesystemNotFound' }))).toBe(
      'FileSystemNotFound/permanent: host storage (AzureWebJobsStorage): load status: 404 FilesystemNotFound: the file system does not exist; create it, or fix ADLS_FILE_SYSTEM',
    );
  });

  it('an error that is not a RestError (a response body cut off while read) is StorageUnreachable (retryable), redacted', () => {
    expect(seen(new Error('aborted reading https://acct.blob.core.windows.net/c/b?sv=2024&sig=c2VjcmV0'))).toBe(
      'StorageUnreachable/retryable: host storage (AzureWebJobsStorage): load status: aborted reading https://acct.blob.core.windows.net/c/b?sv=2024&sig=REDACTED',
    );
  });

  it('an AbortError is Aborted (retryable)', () => {
    const abort = new Error('The operation was aborted.');
    abort.name = 'AbortError';
    expect(seen(abort)).toBe('Aborted/retryable: host storage (AzureWebJobsStorage): load status: aborted');
  });

  it('a RestError without a status (refused, reset) is StorageUnreachable (retryable) with the socket code', () => {
    expect(seen(new RestError('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }))).toBe(
      'StorageUnreachable/retryable: host storage (AzureWebJobsStorage): load status: ECONNREFUSED',
    );
  });

  it('other statuses: 403 and the authentication codes are StorageAuthorizationFailed, 412 ConditionNotMet, the rest by status', () => {
    expect(seen(answered(403, 'AuthorizationPermissionMismatch'))).toBe('StorageAuthorizationFailed/permanent: host storage (AzureWebJobsStorage): load status: 403 AuthorizationPermissionMismatch');
    expect(seen(answered(400, 'AuthenticationFailed'))).toBe('StorageAuthorizationFailed/permanent: host storage (AzureWebJobsStorage): load status: 400 AuthenticationFailed');
    expect(seen(answered(412, 'ConditionNotMet'))).toBe('ConditionNotMet/conflict: host storage (AzureWebJobsStorage): load status: 412 ConditionNotMet');
    expect(seen(answered(503, 'ServerBusy'))).toBe('StorageError/retryable: host storage (AzureWebJobsStorage): load status: 503 ServerBusy');
    expect(seen(answered(400, 'InvalidQueryParameterValue'))).toBe('StorageError/permanent: host storage (AzureWebJobsStorage): load status: 400 InvalidQueryParameterValue');
    expect(seen(new RestError('no code', { statusCode: 408 }))).toBe('StorageError/retryable: host storage (AzureWebJobsStorage): load status: 408 HTTP408');
  });
});
