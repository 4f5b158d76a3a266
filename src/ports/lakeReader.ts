/** A file as the lake's listing gives it. */
export interface LakeEntry {
  path: string;
  length: number;
  /** Quoted, as an If-Match header wants it; empty when the listing gave none. */
  etag: string;
}

/**
 * Reads the lake, never writes it: what verify checks the lake through.
 * Errors (ExportError): `ChangedWhileRead` when a file changes while read; `VerifySasRefused` when storage refuses
 * the SAS; `FileTooLarge`; else the storage errors of the lake writer.
 */
export interface LakeReader {
  /** Every file below `root` (directories left out); none when `root` does not exist. */
  list(root: string, options: { abortSignal: AbortSignal }): AsyncIterable<LakeEntry>;
  /** The file's bytes as listed, in order. */
  chunks(entry: LakeEntry, options: { abortSignal: AbortSignal }): AsyncIterable<Buffer>;
  /** A small file whole; one larger than `maxBytes` is refused rather than held. */
  readAll(entry: LakeEntry, maxBytes: number, options: { abortSignal: AbortSignal }): Promise<Buffer>;
}
