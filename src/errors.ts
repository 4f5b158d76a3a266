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

export class ExportError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  /** Seconds the peer asked us to wait (Retry-After), when it said. */
  readonly retryAfterSeconds?: number;

  constructor(code: string, message: string, options: { kind: ErrorKind; cause?: unknown; retryAfterSeconds?: number }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ExportError';
    this.code = code;
    this.kind = options.kind;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export const isExportError = (e: unknown): e is ExportError => e instanceof ExportError;

/** Anything thrown, as an Error, so callers can rely on `.message`. */
export function ensureError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
