import { ExportError, ensureError } from '../../errors';
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

export interface AuditAuthOptions {
  mode: AuditAuthMode;
  baseUrl: string;
  apiKey?: SecretValue;
  requestTimeoutMs: number;
}

/** Bearer <key>, <key> alone (Immuta's documented form), or a token exchanged for the key. */
export function auditAuth(options: AuditAuthOptions): AuditAuth {
  const { apiKey } = options;
  if (options.mode === 'immuta-token') {
    if (!apiKey) throw new ExportError('InvalidSettings', 'AUDIT_API_AUTH immuta-token needs an API key: set AUDIT_API_KEY_SECRET_NAME', { kind: 'permanent' });
    return new ImmutaToken(options.baseUrl, apiKey, options.requestTimeoutMs);
  }
  const header = apiKey === undefined ? undefined : options.mode === 'bearer' ? `Bearer ${apiKey.reveal()}` : apiKey.reveal();
  return { header: async () => header, refused: async () => false };
}

/**
 * Immuta's exchange: POST /bim/apikey/authenticate {"apikey"} → {"token"}, then Bearer <token> until the API answers
 * 401 or 403; then one new exchange, and the refused request is asked once more.
 */
class ImmutaToken implements AuditAuth {
  #token: Promise<SecretValue> | undefined;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: SecretValue,
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

  private async exchange(abortSignal: AbortSignal): Promise<SecretValue> {
    const url = `${this.baseUrl}/bim/apikey/authenticate`;
    const linked = linkedSignal(abortSignal, { timeoutMs: this.timeoutMs });
    let answer: Response;
    try {
      answer = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ apikey: this.apiKey.reveal() }),
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
