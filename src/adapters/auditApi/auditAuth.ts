import { ExportError, ensureError, hasCode } from '../../errors';
import { linkedSignal } from '../../abort/linkedSignal';
import { SecretValue } from '../../redact';
import { statusKind } from '../../retry/statusKind';

import type { AuditAuthMode } from '../../config/auditApiKind';

export interface AuditAuth {
  /** The Authorization header for the next request, if any. */
  header(abortSignal: AbortSignal): Promise<string | undefined>;
  /**
   * The API refused `used`: whether asking again can help (a token exchanged anew). Several requests refused with
   * the same token share one exchange.
   */
  refused(used: string | undefined, abortSignal: AbortSignal): Promise<boolean>;
}

/** The key's secret, to read it again when the API refuses the key (as the SAS is when storage refuses it). */
export interface KeySecret {
  /** The version the run started with. */
  version: string;
  /** The secret's latest version. */
  read(abortSignal: AbortSignal): Promise<{ value: SecretValue; version: string }>;
  /** A newer version is taken into use (for the log). */
  renewed(version: string): void;
}

export interface AuditAuthOptions {
  mode: AuditAuthMode;
  baseUrl: string;
  apiKey?: SecretValue;
  /** Without it the key is fixed (test-connection and verify have just read it). */
  keySecret?: KeySecret;
  requestTimeoutMs: number;
}

/** Bearer <key>, <key> alone (Immuta's documented form), or a token exchanged for the key. */
export function auditAuth(options: AuditAuthOptions): AuditAuth {
  const { apiKey } = options;
  if (options.mode === 'immuta-token') {
    if (!apiKey) throw new ExportError('InvalidSettings', 'AUDIT_API_AUTH immuta-token needs an API key: set AUDIT_API_KEY_SECRET_NAME', { kind: 'permanent' });
    return new ImmutaToken(options.baseUrl, new KeyInUse(apiKey, options.keySecret), options.requestTimeoutMs);
  }
  if (apiKey === undefined) return { header: async () => undefined, refused: async () => false };
  return new KeyHeader(new KeyInUse(apiKey, options.keySecret), options.mode === 'bearer');
}

/**
 * The API key in use, trimmed (a secret stored with a trailing newline is common). When the API refuses it, the
 * secret is read again, once for every request refused with that key: a newer version is taken into use and the
 * refused request asked once more; the same version means the key itself is wrong, and the refusal stands.
 */
class KeyInUse {
  #value: SecretValue;
  #version: string | undefined;
  #reading: Promise<boolean> | undefined;

  constructor(value: SecretValue, private readonly secret: KeySecret | undefined) {
    this.#value = trimmed(value);
    this.#version = secret?.version;
  }

  get value(): SecretValue {
    return this.#value;
  }

  /** The API refused `used`: whether a newer key is in use now (read again, or by another request meanwhile). */
  renew(used: SecretValue, abortSignal: AbortSignal): Promise<boolean> {
    if (used !== this.#value) return Promise.resolve(true);
    const secret = this.secret;
    if (!secret) return Promise.resolve(false);
    this.#reading ??= (async () => {
      const latest = await secret.read(abortSignal);
      if (latest.version === this.#version) return false;
      this.#value = trimmed(latest.value);
      this.#version = latest.version;
      secret.renewed(latest.version);
      return true;
    })().finally(() => {
      this.#reading = undefined;
    });
    return this.#reading;
  }
}

function trimmed(key: SecretValue): SecretValue {
  const text = key.reveal();
  return text.trim() === text ? key : new SecretValue(text.trim());
}

/** `Authorization: Bearer <key>` or `Authorization: <key>`. */
class KeyHeader implements AuditAuth {
  constructor(
    private readonly key: KeyInUse,
    private readonly bearer: boolean,
  ) {}

  async header(): Promise<string> {
    return this.headerOf(this.key.value);
  }

  async refused(used: string | undefined, abortSignal: AbortSignal): Promise<boolean> {
    const current = this.key.value;
    // A request sent before another one's renewal: the newer key is in use already.
    if (used !== this.headerOf(current)) return true;
    return this.key.renew(current, abortSignal);
  }

  private headerOf(key: SecretValue): string {
    return this.bearer ? `Bearer ${key.reveal()}` : key.reveal();
  }
}

/**
 * Immuta's exchange: POST /bim/apikey/authenticate {"apikey"} → {"token"}, then Bearer <token> until the API answers
 * 401 or 403; then one new exchange, and the refused request is asked once more. An exchange that refuses the key
 * reads it again (KeyInUse) and, with a newer version, exchanges that.
 */
class ImmutaToken implements AuditAuth {
  #token: Promise<SecretValue> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly key: KeyInUse,
    private readonly timeoutMs: number,
  ) {}

  async header(abortSignal: AbortSignal): Promise<string> {
    this.#token ??= this.exchange(abortSignal);
    const pending = this.#token;
    try {
      return `Bearer ${(await pending).reveal()}`;
    } catch (error) {
      if (this.#token === pending) this.#token = undefined; // the next request exchanges again
      throw error;
    }
  }

  async refused(used: string | undefined, abortSignal: AbortSignal): Promise<boolean> {
    const current = this.#token;
    // Only the first request refused with this token starts a new exchange; the others wait for it.
    if (current && used === `Bearer ${(await current.catch(() => undefined))?.reveal()}`) this.#token = undefined;
    await this.header(abortSignal);
    return true;
  }

  private async exchange(abortSignal: AbortSignal, renewed = false): Promise<SecretValue> {
    const key = this.key.value;
    try {
      return await this.exchangeOnce(key, abortSignal);
    } catch (error) {
      if (renewed || !hasCode(error, 'AuditApiKeyRejected') || !(await this.key.renew(key, abortSignal))) throw error;
      return this.exchange(abortSignal, true);
    }
  }

  private async exchangeOnce(key: SecretValue, abortSignal: AbortSignal): Promise<SecretValue> {
    const url = `${this.baseUrl}/bim/apikey/authenticate`;
    const linked = linkedSignal(abortSignal, { timeoutMs: this.timeoutMs });
    let answer: Response;
    try {
      answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ apikey: key.reveal() }),
        redirect: 'manual',
        signal: linked.signal,
      });
      if (answer.status === 401 || answer.status === 403) {
        throw new ExportError('AuditApiKeyRejected', `the audit API refused to exchange the API key for a token at ${url} (HTTP ${answer.status}); check the key in AUDIT_API_KEY_SECRET_NAME`, { kind: 'permanent' });
      }
      if (answer.status < 200 || answer.status >= 300) {
        throw new ExportError('AuditTokenExchangeFailed', `the audit API's token exchange at ${url} answered HTTP ${answer.status}`, { kind: statusKind(answer.status) });
      }
      const body = (await answer.json().catch(() => undefined)) as { token?: unknown } | undefined;
      if (typeof body?.token !== 'string' || body.token === '') {
        throw new ExportError('AuditTokenExchangeFailed', `the audit API's token exchange at ${url} answered HTTP ${answer.status} without a "token"`, { kind: 'retryable' });
      }
      return new SecretValue(body.token);
    } catch (error) {
      if (error instanceof ExportError || abortSignal.aborted) throw error;
      throw new ExportError('AuditApiUnreachable', `the audit API's token exchange at ${url} did not answer: ${ensureError(error).message}`, { kind: 'retryable', cause: error });
    } finally {
      linked.dispose();
    }
  }
}
