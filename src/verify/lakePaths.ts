/** What a path under ADLS_PATH is, as verify sees it (layouts: lake/layout.ts and manifest/manifest.ts). */
export type LakePath =
  | { kind: 'data'; hour: number; part: number }
  | { kind: 'manifest'; hour: number; revision: number }
  /** An event that could not be placed, kept in the folder of the hour it was served in (named by its sha256). */
  | { kind: 'quarantine'; hour: number; sha256: string }
  /** Some other file inside an hour's folder: it belongs to that hour, and no manifest lists it. */
  | { kind: 'stray'; hour: number }
  /** The connection test's file: ignored. */
  | { kind: 'probe' }
  /** The file that claims the path for one export configuration (delivery/claimPath.ts). */
  | { kind: 'owner' }
  | { kind: 'other' };

const HOUR_DIR = 'year=(\\d{4})/month=(\\d{2})/day=(\\d{2})/hour=(\\d{2})';
const DATA = new RegExp(`^${HOUR_DIR}/audit-(\\d{4})(\\d{2})(\\d{2})T(\\d{2})-part-(\\d{4})\\.ndjson$`);
const MANIFEST = new RegExp(`^_manifests/${HOUR_DIR}/manifest-r(\\d{4})\\.json$`);
const QUARANTINE = new RegExp(`^_quarantine/${HOUR_DIR}/event-([0-9a-f]{64})\\.ndjson$`);
const IN_HOUR = new RegExp(`^(?:_manifests/|_quarantine/)?${HOUR_DIR}/`);

/** Classifies `path` (relative to the file system) under `root`. */
export function classifyPath(root: string, path: string): LakePath {
  const prefix = `${root.replace(/\/+$/, '')}/`;
  if (!path.startsWith(prefix)) return { kind: 'other' };
  const rel = path.slice(prefix.length);
  if (rel.startsWith('_probe/')) return { kind: 'probe' };
  if (isOwnerFile(rel)) return { kind: 'owner' };
  const data = DATA.exec(rel);
  if (data) {
    const hour = hourMs(data[1]!, data[2]!, data[3]!, data[4]!);
    // The name repeats the hour: a file whose name and folder disagree is not one the exporter wrote.
    if (hour !== undefined && hour === hourMs(data[5]!, data[6]!, data[7]!, data[8]!)) return { kind: 'data', hour, part: Number(data[9]) };
  }
  const manifest = MANIFEST.exec(rel);
  if (manifest) {
    const hour = hourMs(manifest[1]!, manifest[2]!, manifest[3]!, manifest[4]!);
    const revision = Number(manifest[5]);
    if (hour !== undefined && revision >= 1) return { kind: 'manifest', hour, revision };
  }
  const quarantined = QUARANTINE.exec(rel);
  if (quarantined) {
    const hour = hourMs(quarantined[1]!, quarantined[2]!, quarantined[3]!, quarantined[4]!);
    if (hour !== undefined) return { kind: 'quarantine', hour, sha256: quarantined[5]! };
  }
  const folder = IN_HOUR.exec(rel);
  const hour = folder ? hourMs(folder[1]!, folder[2]!, folder[3]!, folder[4]!) : undefined;
  return hour === undefined ? { kind: 'other' } : { kind: 'stray', hour };
}

/** The claim file, relative to the root: `_owner` (lake/layout.ts's ownerPath). */
function isOwnerFile(rel: string): boolean {
  return rel === '_owner';
}

/** Epoch ms of a UTC hour, or undefined when the fields are no real hour (month 13, February 30th…). */
function hourMs(y: string, m: string, d: string, h: string): number | undefined {
  const t = Date.UTC(Number(y), Number(m) - 1, Number(d), Number(h));
  const back = new Date(t);
  const same = back.getUTCFullYear() === Number(y) && back.getUTCMonth() === Number(m) - 1 && back.getUTCDate() === Number(d) && back.getUTCHours() === Number(h);
  return same ? t : undefined;
}

/** How an hour is named in verify's output: 2026-12-01T13. */
export function hourLabel(hour: number): string {
  return new Date(hour).toISOString().slice(0, 13);
}
