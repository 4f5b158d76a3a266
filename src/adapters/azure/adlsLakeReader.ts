import { DataLakeFileSystemClient } from '@azure/storage-file-datalake';
import { linkedSignal } from '../../abort/linkedSignal';
import { LAKE_READ_TIMEOUTS_MS, PEER_TIMEOUTS, type PeerRetry } from '../../config/defaults';
import { ExportError } from '../../errors';
import type { LakeEntry, LakeReader } from '../../ports/lakeReader';
import type { SecretValue } from '../../redact';
import { normalizeSasToken } from '../../sas/sasToken';
import { storageRetryOptions } from './peer';
import { storageError, restErrorInfo } from './storageErrors';

export interface AdlsLakeReaderOptions {
  dfsEndpoint: string;
  fileSystem: string;
  sas: SecretValue;
  /** How messages name the SAS: `secret "…" in Key Vault …`. */
  where: string;
  /** Per try; the defaults' lakeRead entry unless given. */
  retry?: PeerRetry;
}

type Opts = { abortSignal: AbortSignal };

/** The most Path - List gives in one page. */
const LIST_PAGE = 5000;
/** Files are read in ranges of this size: one request never holds more, nor runs for long. */
const READ_BYTES = 4 * 1024 * 1024;

/** Path - List gives the ETag bare; If-Match wants it quoted, as headers carry it. */
function quoted(etag: string | undefined): string {
  if (!etag) return '';
  return /^(W\/)?"/.test(etag) ? etag : `"${etag}"`;
}

/**
 * LakeReader over the Data Lake dfs API with a Read + List SAS. Each request is bounded twice: per try by the SDK,
 * and whole (body included) by LAKE_READ_TIMEOUTS_MS.
 */
export class AdlsLakeReader implements LakeReader {
  readonly #fs: DataLakeFileSystemClient;

  constructor(private readonly options: AdlsLakeReaderOptions) {
    const url = `${options.dfsEndpoint}/${options.fileSystem}?${normalizeSasToken(options.sas.reveal())}`;
    this.#fs = new DataLakeFileSystemClient(url, undefined, { retryOptions: storageRetryOptions(options.retry ?? PEER_TIMEOUTS.lakeRead) });
  }

  /** Every file below `root` (directories left out), one page of the listing at a time. */
  async *list(root: string, { abortSignal }: Opts): AsyncGenerator<LakeEntry> {
    let continuationToken: string | undefined;
    do {
      const linked = linkedSignal(abortSignal, { timeoutMs: LAKE_READ_TIMEOUTS_MS.listPage });
      let page;
      try {
        const pages = this.#fs.listPaths({ path: root, recursive: true, abortSignal: linked.signal }).byPage({ continuationToken, maxPageSize: LIST_PAGE });
        page = (await pages.next()).value;
      } catch (error) {
        // Azure answers 404 for a directory that does not exist yet: nothing exported, nothing to list.
        if (restErrorInfo(error).code === 'PathNotFound') return;
        throw this.#error(error, `list ${this.options.fileSystem}/${root}`);
      } finally {
        linked.dispose();
      }
      for (const p of page?.pathItems ?? []) {
        if (!p.isDirectory && p.name) yield { path: p.name, length: p.contentLength ?? 0, etag: quoted(p.etag) };
      }
      continuationToken = page?.continuation || undefined;
    } while (continuationToken);
  }

  /** The file's bytes as listed, in order, range by range; fails if it changes while read. */
  async *chunks(entry: LakeEntry, { abortSignal }: Opts): AsyncGenerator<Buffer> {
    const file = this.#fs.getFileClient(entry.path);
    for (let offset = 0; offset < entry.length; offset += READ_BYTES) {
      const count = Math.min(READ_BYTES, entry.length - offset);
      const linked = linkedSignal(abortSignal, { timeoutMs: LAKE_READ_TIMEOUTS_MS.range });
      try {
        const conditions = entry.etag ? { ifMatch: entry.etag } : {};
        const response = await file.read(offset, count, { abortSignal: linked.signal, conditions });
        for await (const chunk of response.readableStreamBody!) yield chunk as Buffer;
      } catch (error) {
        throw this.#error(error, `read ${entry.path} at ${offset}`);
      } finally {
        linked.dispose();
      }
    }
  }

  /** A small file whole (a manifest); one larger than `maxBytes` is refused rather than held. */
  async readAll(entry: LakeEntry, maxBytes: number, opts: Opts): Promise<Buffer> {
    if (entry.length > maxBytes) throw new ExportError('FileTooLarge', `${entry.path} is ${entry.length} bytes, more than ${maxBytes}`, { kind: 'permanent' });
    const parts: Buffer[] = [];
    for await (const chunk of this.chunks(entry, opts)) parts.push(chunk);
    return Buffer.concat(parts);
  }

  #error(error: unknown, what: string): ExportError {
    const e = storageError(error, what, this.options.fileSystem);
    if (e.code === 'ConditionNotMet') return new ExportError('ChangedWhileRead', `${what}: the file changed while verify read it`, { kind: 'conflict' });
    if (e.code !== 'StorageAuthorizationFailed') return e;
    return new ExportError('VerifySasRefused', `${e.message}: storage refused the SAS in ${this.options.where}; verify needs a SAS with Read + List on file system "${this.options.fileSystem}" (sp=rl, best bound to its own stored access policy), never the exporter's Create + Write SAS`, {
      kind: 'permanent',
    });
  }
}
