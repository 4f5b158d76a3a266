import type { Manifest } from '../manifest/manifest';
import { classifyPath, hourLabel } from './lakePaths';

export interface ManifestPlace {
  path: string;
  root: string;
  hour: number;
  revision: number;
  configId: string;
}

/** How a manifest disagrees with where it lies (its path, this export) or lists a file of another hour. */
export function manifestProblems(m: Manifest, at: ManifestPlace): string[] {
  const out: string[] = [];
  const hour = Date.parse(m.hour);
  if (hour !== at.hour) out.push(`${at.path}: says hour ${m.hour}, its path says ${hourLabel(at.hour)}`);
  if (m.revision !== at.revision) out.push(`${at.path}: says revision ${m.revision}, its path says ${at.revision}`);
  if (m.configId !== at.configId) out.push(`${at.path}: says export ${m.configId}, this export is ${at.configId}`);
  const seen = new Set<string>();
  for (const part of m.parts) {
    const place = classifyPath(at.root, part.path);
    if (place.kind !== 'data' || place.hour !== at.hour) out.push(`${at.path}: lists ${part.path}, which is not a part file of hour ${hourLabel(at.hour)}`);
    if (seen.has(part.path)) out.push(`${at.path}: lists ${part.path} twice`);
    seen.add(part.path);
  }
  for (const q of m.quarantine ?? []) {
    const place = classifyPath(at.root, q.path);
    // Its name is the sha256 of the event's value, checked against the file's content when it is read.
    if (place.kind !== 'quarantine' || place.hour !== at.hour) out.push(`${at.path}: lists ${q.path}, which is not a quarantine file of hour ${hourLabel(at.hour)}`);
    if (seen.has(q.path)) out.push(`${at.path}: lists ${q.path} twice`);
    seen.add(q.path);
  }
  return out;
}
