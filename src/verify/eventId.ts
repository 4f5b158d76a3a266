/** The top-level "id" of one NDJSON line (JSON-unescaped, as manifests hold it), or undefined if it has none. */
export function eventIdOf(line: Buffer): string | undefined {
  try {
    const event = JSON.parse(line.toString('utf8')) as { id?: unknown };
    return typeof event?.id === 'string' ? event.id : undefined;
  } catch {
    return undefined;
  }
}
