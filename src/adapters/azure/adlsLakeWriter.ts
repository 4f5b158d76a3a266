import { DataLakeFileSystemClient } from '@azure/storage-file-datalake';
import { ExportError } from '../../errors';
import type { LakeWriter } from '../../ports/lakeWriter';
import type { SecretValue } from '../../redact';
import { normalizeSasToken } from '../../sas/sasToken';
import { restErrorInfo, storageError } from './storageErrors';

export interface AdlsLakeWriterOptions {
  dfsEndpoint: string;
  fileSystem: string;
  sas: SecretValue;
}

// The SDK retries transient failures itself; appends and flushes at a fixed position are safe to repeat.
const RETRY = { maxTries: 4, retryDelayInMs: 500, maxRetryDelayInMs: 15_000, tryTimeoutInMs: 120_000 };

/** LakeWriter over the Data Lake dfs API: create with If-None-Match, append at a position, flush to a position. */
export class AdlsLakeWriter implements LakeWriter {
  private readonly fileSystem: DataLakeFileSystemClient;

  constructor(options: AdlsLakeWriterOptions) {
    const url = `${options.dfsEndpoint}/${options.fileSystem}?${normalizeSasToken(options.sas.reveal())}`;
    this.fileSystem = new DataLakeFileSystemClient(url, undefined, { retryOptions: RETRY });
  }

  async createFile(path: string, { abortSignal }: { abortSignal: AbortSignal }): Promise<{ created: boolean }> {
    try {
      await this.fileSystem.getFileClient(path).create({ conditions: { ifNoneMatch: '*' }, abortSignal });
      return { created: true };
    } catch (error) {
      if (restErrorInfo(error).code === 'PathAlreadyExists') return { created: false };
      throw storageError(error, `create ${path}`);
    }
  }

  /** Writes a small file, replacing any earlier one: what a Create + Write SAS must be able to do. */
  async writeProbe(path: string, text: string, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    const data = Buffer.from(text, 'utf8');
    const file = this.fileSystem.getFileClient(path);
    try {
      await file.create({ abortSignal });
      await file.append(data, 0, data.length, { abortSignal });
      await file.flush(data.length, { abortSignal });
    } catch (error) {
      throw storageError(error, `write ${path}`);
    }
  }

  async append(path: string, data: Buffer, position: number, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    if (data.length === 0) throw new ExportError('EmptyAppend', `append to ${path} with no data`, { kind: 'permanent' });
    try {
      await this.fileSystem.getFileClient(path).append(data, position, data.length, { abortSignal });
    } catch (error) {
      throw storageError(error, `append to ${path} at ${position}`);
    }
  }

  async flush(path: string, position: number, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    try {
      await this.fileSystem.getFileClient(path).flush(position, { retainUncommittedData: false, abortSignal });
    } catch (error) {
      throw storageError(error, `flush ${path} at ${position}`);
    }
  }
}
