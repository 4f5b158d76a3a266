// Azure naming rules, checked before any call so a typo fails with a fix instead of a 400 from the service.

/** Storage account: 3–24 lowercase letters and digits. */
export const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;

/** Container / file system: 3–63 of a-z 0-9 -, starting and ending with a letter or digit, no "--". */
export const FILE_SYSTEM_NAME = /^(?=.{3,63}$)[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]$/;

/** Key Vault secret: 1–127 letters, digits and hyphens. */
export const SECRET_NAME = /^[0-9a-zA-Z-]{1,127}$/;

/** Longest directory we accept, leaving room under Azure's 1,024-character path limit for the hour file name. */
const MAX_ROOT_PATH_LENGTH = 900;

/** Why an ADLS directory path is unusable, or undefined when it is fine. */
export function directoryPathProblem(path: string): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.length > MAX_ROOT_PATH_LENGTH) return `is longer than ${MAX_ROOT_PATH_LENGTH} characters`;
  if (path.startsWith('/')) return 'starts with "/" (give it relative to the file system, e.g. "immuta-audit")';
  const segments = path.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '')) return 'has an empty segment ("//")';
  if (segments.some((s) => s === '.' || s === '..')) return 'has a "." or ".." segment';
  if (/[\\\u0000-\u001f\u007f]/.test(path)) return 'contains a backslash or a control character';
  if (segments.some((s) => s.endsWith('.'))) return 'has a segment ending in "." (Azure drops trailing dots)';
  return undefined;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/** Loopback endpoints are local emulators; everything else must use TLS. */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}
