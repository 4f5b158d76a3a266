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
  /** ADLS_FILE_SYSTEM: named when a SAS that worked in this run is refused (the file system may be gone). */
  fileSystem?: string;
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
  /** Storage took this SAS version in this run: refused later, the file system may be what changed. */
  private worked = false;

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
      const result = await operation(this.inner);
      this.worked = true;
      return result;
    } catch (error) {
      if (!isRefused(error)) throw error;
      // Another operation may have moved to a newer version while this one was in flight: then just use it.
      if (this.version === used) await this.refresh(error, abortSignal);
      try {
        return await operation(this.inner);
      } catch (again) {
        throw isRefused(again) ? rejected(again, this.options.where, this.goneFileSystem()) : again;
      }
    }
  }

  /** The file system to name when a SAS that worked in this run is refused. */
  private goneFileSystem(): { name?: string } | undefined {
    return this.worked ? { name: this.options.fileSystem } : undefined;
  }

  private refresh(error: ExportError, abortSignal: AbortSignal): Promise<void> {
    this.refreshing ??= (async () => {
      const latest = await this.options.secrets.getSecret(this.options.initial.name, { abortSignal });
      if (latest.version === this.version) throw rejected(error, this.options.where, this.goneFileSystem());
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

function rejected(error: ExportError, where: string, gone: { name?: string } | undefined): ExportError {
  const fix = 'create a new SAS with Create + Write and set it as a new version of the secret — the next run picks it up';
  if (!gone) return new ExportError('SasRejected', `storage refused the SAS in ${where} (${error.message}); ${fix}`, { kind: 'permanent' });
  return new ExportError(
    'SasRejected',
    `storage refused the SAS in ${where}, which it had taken earlier in this run (${error.message}): the file system${gone.name ? ` "${gone.name}"` : ''} may have been deleted ` +
      '(a SAS bound to a stored access policy goes with it) or the SAS revoked. Check that the file system still holds ADLS_PATH: if it was deleted, ' +
      `what was exported there is gone ("audit-export verify" names the hours). Else ${fix}`,
    { kind: 'permanent' },
  );
}
