/**
 * The SAS token in a secret may be written three ways: a bare token, one with a leading "?", or a full SAS
 * URL to the file system. All three give the same query string (without "?").
 */
export function normalizeSasToken(value: string): string {
  const trimmed = value.trim();
  if (/^https?:\/\//i.test(trimmed)) return new URL(trimmed).search.replace(/^\?/, '');
  return trimmed.replace(/^\?/, '');
}
