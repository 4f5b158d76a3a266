// What "exactly once" means for the lake's hour files, shared by the end-to-end tests against a hostile audit API.
import type { AuditKind } from '../../dev/auditApi';

/** The instant of an NDJSON line of either kind (epoch ms; NaN when it has none). */
export function lineTime(kind: AuditKind): (line: string) => number {
  return (line) => {
    const e = JSON.parse(line) as { eventTimestamp?: string; dateTime?: number | string };
    return kind === 'immuta-uam' ? Date.parse(e.eventTimestamp!) : Number(e.dateTime);
  };
}

/** A line by value: two JSON spellings of one event (e.g. an id with escapes) are one. */
export const byValue = (line: string): string => JSON.stringify(JSON.parse(line));

/**
 * Each line once, nothing else; and within each file, times never go back (ties may come in any order). With
 * `same`, lines are compared by what it maps them to (e.g. byValue) rather than byte for byte.
 */
export function expectExactlyOnce(files: Map<string, string[]>, expected: string[], timeOf: (line: string) => number, same: (line: string) => string = (l) => l): void {
  const lines = [...files.values()].flat().map(same);
  expect(lines.length).toBe(new Set(lines).size);
  expect([...lines].sort()).toEqual(expected.map(same).sort());
  for (const [file, content] of files) {
    const times = content.map(timeOf);
    times.forEach((t, i) => i > 0 && expect({ file, t }).toEqual({ file, t: Math.max(t, times[i - 1]!) }));
  }
}
