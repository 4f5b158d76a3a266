/**
 * Every failure the exporter reports has a stable `code` and says whether trying again can help.
 * Adapters classify at the edge (HTTP status, SDK error codes); the pipeline looks only at these.
 */
export type ErrorKind =
  /** Transient: a later attempt may succeed (throttling, 5xx, timeouts, resets). */
  | 'retryable'
  /** Needs an operator: bad settings, missing secret, refused credentials, malformed data. */
  | 'permanent'
  /** Another writer changed the state we based our work on. */
  | 'conflict';

/**
 * Every code an ExportError can carry, by where it arises. A check against a code not listed here (or a test faking
 * one) does not compile.
 */
export type ExportErrorCode =
  // Settings and the command line: the operator fixes them, they are never retried.
  | 'InvalidSettings'
  | 'InvalidExportConfig'
  | 'InvalidSchedule'
  | 'InvalidUsage'
  | 'SasInvalid'
  // The audit API and its token exchange.
  | 'AuditApiUnreachable'
  | 'AuditApiError'
  | 'AuditApiKeyRejected'
  | 'AuditApiRedirected'
  | 'AuditTokenExchangeFailed'
  | 'AuditApiRunaway'
  | 'AuditApiRetryTooLate'
  | 'InvalidPage'
  // Key Vault and the managed identity.
  | 'VaultUnreachable'
  | 'VaultTimeout'
  | 'VaultError'
  | 'VaultAccessDenied'
  | 'VaultAuthenticationFailed'
  | 'IdentityUnavailable'
  | 'SecretNotFound'
  | 'SecretEmpty'
  // Storage as the SDKs answer it: the lake (ADLS) and host storage (AzureWebJobsStorage).
  | 'StorageUnreachable'
  | 'StorageError'
  | 'StorageAuthorizationFailed'
  | 'SasRejected'
  | 'FileSystemNotFound'
  | 'PathNotFound'
  | 'ConditionNotMet'
  | 'FlushPositionMismatch'
  | 'EmptyAppend'
  | 'LakeTimeout'
  | 'StateStorageTimeout'
  | 'Aborted'
  // Delivery into the lake.
  | 'FileExists'
  | 'FileVanished'
  | 'UnexpectedFileLength'
  | 'ManifestPathTaken'
  | 'QuarantinePathTaken'
  | 'QuarantineFull'
  | 'LakePathClaimed'
  | 'LakePathReset'
  // The lease, the checkpoint and the id ledger in host storage.
  | 'AnotherRunActive'
  | 'LeaseLost'
  | 'CheckpointConflict'
  | 'CheckpointMissing'
  | 'CheckpointCorrupt'
  | 'LedgerSegmentMissing'
  // The status record beside the checkpoint (it reports, so an unreadable one is replaced, never fatal).
  | 'StatusRecordCorrupt'
  // Retrying: the peer asked for a wait longer than the run has left.
  | 'WaitBeyondDeadline'
  // test-connection.
  | 'LinkTimedOut'
  // verify.
  | 'VerifySasInvalid'
  | 'VerifySasRefused'
  | 'FileTooLarge'
  | 'ChangedWhileRead'
  | 'ExportBusy'
  // The command line was stopped (SIGINT, SIGTERM).
  | 'Interrupted';

export class ExportError extends Error {
  readonly code: ExportErrorCode;
  readonly kind: ErrorKind;
  /** Seconds the peer asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds?: number;

  constructor(code: ExportErrorCode, message: string, options: { kind: ErrorKind; cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExportError';
    this.code = code;
    this.kind = options.kind;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isExportError = (e: unknown): e is ExportError => e instanceof ExportError;
/** Whether anything thrown is an ExportError with one of these codes; the one test of a code, narrowing as it goes. */
export function hasCode<C extends ExportErrorCode>(e: unknown, ...codes: C[]): e is ExportError & { readonly code: C } {
  return isExportError(e) && (codes as ExportErrorCode[]).includes(e.code);
}
/** The code of anything thrown: an ExportError's, else none (Node's 'ENOENT' or a DOMException's number is not ours). */
export const errorCode = (e: unknown): ExportErrorCode | undefined => (isExportError(e) ? e.code : undefined);

/** Anything thrown, as an Error, so callers can rely on `.message`. */
export function ensureError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
