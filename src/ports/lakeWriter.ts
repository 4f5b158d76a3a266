/**
 * Position-fenced writes into the lake. `append` stages bytes at an offset; nothing is visible until `flush`
 * commits exactly up to a position, so a retry or a second writer can never add bytes twice.
 * Errors (ExportError): `FlushPositionMismatch` when the staged bytes do not run contiguously to the position (the
 * fence), an append lies below the committed length, or the file was written through another API (which the dfs API
 * can never extend); `PathNotFound`, `FileSystemNotFound` (naming the file system),
 * `StorageAuthorizationFailed`, `EmptyAppend` (permanent); `Aborted`, `LakeTimeout`, `StorageUnreachable`, `StorageError`
 * (retryable, or permanent for a 4xx). A refused flush changes nothing: staged bytes stay staged.
 */
export interface LakeWriter {
  /** Creates an empty file, failing with `created: false` if the path already exists (never truncates). */
  createFile(path: string, options: { abortSignal: AbortSignal }): Promise<{ created: boolean }>;
  append(path: string, data: Buffer, position: number, options: { abortSignal: AbortSignal }): Promise<void>;
  /** Commits staged bytes up to `position` and drops any other staged bytes. */
  flush(path: string, position: number, options: { abortSignal: AbortSignal }): Promise<void>;
}
