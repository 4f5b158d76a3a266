import { DataLakeFileSystemClient } from '@azure/storage-file-datalake';
import { PEER_TIMEOUTS, type PeerRetry } from '../../config/defaults';
import { ExportError } from '../../errors';
import type { LakeWriter } from '../../ports/lakeWriter';
import { safeUrl, type SecretValue } from '../../redact';
import { normalizeSasToken } from '../../sas/sasToken';
import { boundedCall } from './boundedCall';
import { storageRetryOptions, type Peer } from './peer';
import { restErrorInfo, storageError } from './storageErrors';

export interface AdlsLakeWriterOptions {
  dfsEndpoint: string;
  fileSystem: string;
  sas: SecretValue;
  /** Per try and per call; the defaults' lake entry unless given. The SDK retries transient failures itself:
   * appends and flushes at a fixed position are safe to repeat. */
  retry?: PeerRetry;
}

/** LakeWriter over the Data Lake dfs API: create with If-None-Match, append at a position, flush to a position. */
export class AdlsLakeWriter implements LakeWriter {
  private readonly fileSystem: DataLakeFileSystemClient;
  private readonly peer: Peer;
  private readonly fileSystemName: string;

  constructor(options: AdlsLakeWriterOptions) {
    const retry = options.retry ?? PEER_TIMEOUTS.lake;
    this.fileSystemName = options.fileSystem;
    const url = `${options.dfsEndpoint}/${options.fileSystem}?${normalizeSasToken(options.sas.reveal())}`;
    this.fileSystem = new DataLakeFileSystemClient(url, undefined, { retryOptions: storageRetryOptions(retry) });
    this.peer = { name: 'the lake', endpoint: safeUrl(options.dfsEndpoint), setting: 'ADLS_ACCOUNT_NAME/ADLS_DFS_ENDPOINT', timeoutCode: 'LakeTimeout', retry };
  }

  async createFile(path: string, { abortSignal }: { abortSignal: AbortSignal }): Promise<{ created: boolean }> {
    const what = `create ${path}`;
    try {
      await boundedCall(this.peer, what, abortSignal, (signal) => this.fileSystem.getFileClient(path).create({ conditions: { ifNoneMatch: '*' }, abortSignal: signal }));
      return { created: true };
    } catch (error) {
      if (restErrorInfo(error).code === 'PathAlreadyExists') return { created: false };
      throw storageError(error, what, this.fileSystemName);
    }
  }

  /** Writes a small file, replacing any earlier one: what a Create + Write SAS must be able to do. */
  async writeProbe(path: string, text: string, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    const data = Buffer.from(text, 'utf8');
    const file = this.fileSystem.getFileClient(path);
    const what = `write ${path}`;
    try {
      await boundedCall(this.peer, what, abortSignal, async (signal) => {
        await file.create({ abortSignal: signal });
        await file.append(data, 0, data.length, { abortSignal: signal });
        await file.flush(data.length, { abortSignal: signal });
      });
    } catch (error) {
      throw storageError(error, what, this.fileSystemName);
    }
  }

  async append(path: string, data: Buffer, position: number, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    if (data.length === 0) throw new ExportError('EmptyAppend', `append to ${path} with no data`, { kind: 'permanent' });
    const what = `append to ${path} at ${position}`;
    try {
      await boundedCall(this.peer, what, abortSignal, (signal) => this.fileSystem.getFileClient(path).append(data, position, data.length, { abortSignal: signal }));
    } catch (error) {
      throw storageError(error, what, this.fileSystemName);
    }
  }

  async flush(path: string, position: number, { abortSignal }: { abortSignal: AbortSignal }): Promise<void> {
    const what = `flush ${path} at ${position}`;
    try {
      await boundedCall(this.peer, what, abortSignal, (signal) => this.fileSystem.getFileClient(path).flush(position, { retainUncommittedData: false, abortSignal: signal }));
    } catch (error) {
      throw storageError(error, what, this.fileSystemName);
    }
  }
}
