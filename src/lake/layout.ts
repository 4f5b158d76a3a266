import { createHash } from 'node:crypto';
import { hourOf } from '../time/window';

const two = (n: number) => String(n).padStart(2, '0');

/**
 * Where the events of one UTC hour land: Hive-style partitions, so query engines can prune by time.
 * `{root}/year=YYYY/month=MM/day=DD/hour=HH/audit-YYYYMMDDTHH-part-NNNN.ndjson`
 */
export function hourFilePath(root: string, eventTime: Date, part: number): string {
  if (!Number.isInteger(part) || part < 0 || part > 9999) throw new RangeError(`part must be 0..9999, got ${part}`);
  const h = hourOf(eventTime);
  const y = String(h.getUTCFullYear()).padStart(4, '0');
  const m = two(h.getUTCMonth() + 1);
  const d = two(h.getUTCDate());
  const hh = two(h.getUTCHours());
  const prefix = root.replace(/\/+$/, '');
  return `${prefix}/year=${y}/month=${m}/day=${d}/hour=${hh}/audit-${y}${m}${d}T${hh}-part-${String(part).padStart(4, '0')}.ndjson`;
}

/**
 * Where an event that could not be placed is kept: the folder of the hour of the window it was served in, under
 * `_quarantine`, named by the sha256 of its bytes, so writing it again (a run killed, the page asked again) is the
 * same file. `{root}/_quarantine/year=YYYY/month=MM/day=DD/hour=HH/event-{sha256}.ndjson`
 */
export function quarantinePath(root: string, windowStart: Date, sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new RangeError(`not a sha256: ${sha256}`);
  const h = hourOf(windowStart);
  const y = String(h.getUTCFullYear()).padStart(4, '0');
  const prefix = root.replace(/\/+$/, '');
  return `${prefix}/_quarantine/year=${y}/month=${two(h.getUTCMonth() + 1)}/day=${two(h.getUTCDate())}/hour=${two(h.getUTCHours())}/event-${sha256}.ndjson`;
}

/**
 * The name a quarantined event's file takes: the sha256 of its value, its line parsed and written compactly again, so
 * two spellings of one event (ids with escapes) are one file. Undefined for a line that is not one JSON value.
 */
export function quarantineName(line: Buffer): string | undefined {
  try {
    return createHash('sha256').update(JSON.stringify(JSON.parse(line.toString('utf8')))).digest('hex');
  } catch {
    return undefined;
  }
}

/** The last segment of a lake path: a file's name. */
export function fileNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The part number of an hour file's path. */
export function partOf(path: string): number {
  const m = /-part-(\d{4})\.ndjson$/.exec(path);
  if (!m) throw new Error(`not a part file: ${path}`);
  return Number(m[1]);
}

/** The file that claims ADLS_PATH for one export configuration (see delivery/claimPath.ts). */
export function ownerPath(root: string): string {
  return `${root.replace(/\/+$/, '')}/_owner`;
}
