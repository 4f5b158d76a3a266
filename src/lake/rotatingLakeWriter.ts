import { ExportError, hasCode } from '../errors';
import type { LakeWriter } from '../ports/lakeWriter';
import type { Logger } from '../ports/logger';
import type { Secret, SecretProvider } from '../ports/secretProvider';
import type { SecretValue } from '../redact';

export interface RotatingLakeWriterOptions {
  secrets: SecretProvider;
  /** The SAS as read when the run started. */
  initial: Secret;
  /** Names the secret and vault in messages. */
  where: string;
  build(sas: SecretValue): LakeWriter;
  /** Checks a new SAS before use; throws if it is unusable, returns warnings otherwise. */
  check(sas: SecretValue): string[];
  logger: Logger;
}

/**
 * A LakeWriter that survives SAS rotation: when storage refuses the SAS (403), it reads the secret's latest
 * version; a new version is checked, the client rebuilt and the same operation tried once more (safe: every
 * operation is position-fenced). An unchanged secret means the operator must rotate it, and the run stops.
 */
export class RotatingLakeWriter implements LakeWriter {
  private inner: LakeWriter;
  private version: string;
  /** One re-read of the secret at a time: appends in flight are refused together and must not each rotate. */
  private refreshing: Promise<void> | undefined;

  constructor(private readonly options: RotatingLakeWriterOptions) {
    this.inner = options.build(options.initial.value);
    this.version = options.initial.version;
  }

  createFile(path: string, opts: { abortSignal: AbortSignal }) {
    return this.withRotation((lake) => lake.createFile(path, opts), opts.abortSignal);
  }
  append(path: string, data: Buffer, position: number, opts: { abortSignal: AbortSignal }) {
    return this.withRotation((lake) => lake.append(path, data, position, opts), opts.abortSignal);
  }
  flush(path: string, position: number, opts: { abortSignal: AbortSignal }) {
    return this.withRotation((lake) => lake.flush(path, position, opts), opts.abortSignal);
  }

  private async withRotation<T>(operation: (lake: LakeWriter) => Promise<T>, abortSignal: AbortSignal): Promise<T> {
    const used = this.version;
    try {
      return await operation(this.inner);
    } catch (error) {
      if (!isRefused(error)) throw error;
      // Another operation may have moved to a newer version while this one was in flight: then just use it.
      if (this.version === used) await this.refresh(error, abortSignal);
      try {
        return await operation(this.inner);
      } catch (again) {
        throw isRefused(again) ? rejected(again, this.options.where) : again;
      }
    }
  }

  private refresh(error: ExportError, abortSignal: AbortSignal): Promise<void> {
    this.refreshing ??= (async () => {
      const latest = await this.options.secrets.getSecret(this.options.initial.name, { abortSignal });
      if (latest.version === this.version) throw rejected(error, this.options.where);
      for (const warning of this.options.check(latest.value)) this.options.logger.warn(warning);
      this.options.logger.info('storage refused the SAS; using the new version of the secret', { version: latest.version });
      this.inner = this.options.build(latest.value);
      this.version = latest.version;
    })().finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }
}

const isRefused = (e: unknown): e is ExportError => hasCode(e, 'StorageAuthorizationFailed');

function rejected(error: ExportError, where: string): ExportError {
  return new ExportError(
    'SasRejected',
    `storage refused the SAS in ${where} (${error.message}); create a new SAS with Create + Write and set it as a new version of the secret — the next run picks it up`,
    { kind: 'permanent' },
  );
}
