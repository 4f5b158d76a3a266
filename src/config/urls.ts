import { isLoopbackHost } from './names';

export interface EndpointRules {
  /** What the URL points at, for the message: "audit API", "Key Vault", … */
  what: string;
  /** http is allowed for a loopback emulator. */
  loopbackHttp: boolean;
  /** A base URL that paths are appended to: a query or fragment would be lost or misread. */
  baseOnly?: boolean;
}

/**
 * Why a URL setting is unusable, or undefined. Never quotes the value: a URL may carry a password, and a setting
 * with user information is refused for that reason (credentials belong in Key Vault).
 */
export function endpointProblem(value: string, rules: EndpointRules): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `must be an https URL of the ${rules.what}`;
  }
  if (u.username || u.password) return `must not carry a user name or password (keep credentials in Key Vault): give the ${rules.what}'s URL without "user:password@"`;
  const httpOk = rules.loopbackHttp && u.protocol === 'http:' && isLoopbackHost(u.hostname);
  if (u.protocol !== 'https:' && !httpOk) return `must be an https URL of the ${rules.what}${rules.loopbackHttp ? ' (http only for a loopback emulator)' : ''}`;
  if (rules.baseOnly && (u.search || u.hash || value.includes('?') || value.includes('#'))) {
    return `must be the ${rules.what}'s base URL, without a query or fragment ("?…" or "#…")`;
  }
  return undefined;
}

/** Whether a URL has user information, so its value must not be shown. */
export function hasUserInfo(value: string): boolean {
  try {
    const u = new URL(value);
    return u.username !== '' || u.password !== '';
  } catch {
    return /\/\/[^/\s]*@/.test(value);
  }
}
