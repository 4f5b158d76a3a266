// The one redaction point: every log line, error message and status text goes through here.

const SECRET_QUERY = /([?&;](?:sig|se|skoid|sktid|skt|ske|sks|skv|saoid|suoid|scid|code|api[-_]?key|access_token)=)[^&\s"',;]*/gi;
const BEARER = /\b(Bearer\s+)[A-Za-z0-9\-._~+/]+=*/g;
const SHARED_KEY = /\b(SharedKey\s+[^:\s]+:)[A-Za-z0-9+/=]+/g;
const ACCOUNT_KEY = /(AccountKey=)[^;"'\s]+/gi;
const SIGNATURE = /(sig=)[A-Za-z0-9%+/=]+/gi;
/** user:password@ in any URL (scheme://user:pass@host): the password, and the user name with it. */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"']+@/gi;

/** Values learned at run time (the SAS, the API key) that must never be printed, even out of context. */
const known = new Set<string>();

/** Registers a secret value so that redact() removes it wherever it appears. */
export function registerSecret(value: string | undefined): void {
  if (!value || value.length < 8) return;
  known.add(value);
  // A SAS's signature can surface on its own, URL-encoded or not (e.g. in an SDK error's request URL).
  const sig = /(?:^|[?&])sig=([^&\s]+)/.exec(value)?.[1];
  if (sig) for (const form of new Set([sig, safeDecode(sig), encodeURIComponent(safeDecode(sig))])) if (form.length >= 8) known.add(form);
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Removes secrets from text: SAS signatures and keys, bearer tokens, account keys and registered values. */
export function redact(text: string): string {
  let out = text;
  for (const value of known) if (out.includes(value)) out = out.split(value).join('[REDACTED]');
  return out
    .replace(SECRET_QUERY, '$1REDACTED')
    .replace(SIGNATURE, '$1REDACTED')
    .replace(USER_INFO, '$1REDACTED@')
    .replace(BEARER, '$1REDACTED')
    .replace(SHARED_KEY, '$1REDACTED')
    .replace(ACCOUNT_KEY, '$1REDACTED');
}

/** A URL without its query string (where a SAS lives), for logs and errors. */
export function safeUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/**
 * A string that cannot leak by accident: printing, JSON and util.inspect show a placeholder;
 * only reveal() gives the value, at the one place that sends it.
 */
export class SecretValue {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
    registerSecret(value);
  }
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return '[REDACTED]';
  }
  toJSON(): string {
    return '[REDACTED]';
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return 'SecretValue([REDACTED])';
  }
}
