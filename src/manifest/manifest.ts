import { createHash } from 'node:crypto';

/** The format name every manifest carries, so readers can refuse one they do not know. */
export const MANIFEST_FORMAT = 'audit-export-manifest/1';

/** One committed byte range of a part file and the sha256 of its bytes (a batch: one intent, one flush). */
export interface ManifestRange {
  from: number;
  to: number;
  sha256: string;
  /** The times (epoch ms) of the range's first and last event: the checkpoint keeps them for re-checks; not written. */
  firstAt?: number;
  lastAt?: number;
}

export interface ManifestPart {
  /** The file's path in the file system (ADLS_PATH/…/audit-…-part-NNNN.ndjson). */
  path: string;
  length: number;
  events: number;
  /** The "id" of its first and last event (JSON-unescaped). */
  firstId: string;
  lastId: string;
  /** Contiguous from 0 to `length`. */
  ranges: ManifestRange[];
}

/**
 * An event that could not be placed (no valid time or id, a time before what was asked), kept byte for byte, its line
 * and "\n", in a file of its own named by the sha256 of those bytes, in the folder of the hour it was served in.
 */
export interface QuarantineFile {
  path: string;
  bytes: number;
  events: number;
  sha256: string;
  /** Why it could not be placed (see pages/unplaceable.ts). */
  reason: string;
  /** The start of the window it was served in: the checkpoint keeps it for that window's count check; not written. */
  window?: string;
}

/**
 * What an hour of the export holds, written as a new file once the hour's files are committed (and again, as a new
 * revision, whenever a re-check adds to it). Every manifest names the sha256 of the one this export configuration
 * wrote before it, so all of them form one hash chain, whose head the exporter keeps in host storage.
 */
export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  configId: string;
  /** ISO start of the UTC hour. */
  hour: string;
  revision: number;
  parts: ManifestPart[];
  /** Events of the hour that could not be placed, each in a quarantine file; absent when none. */
  quarantine?: QuarantineFile[];
  /** The audit API's count for the hour when it was last checked; null if it gave none. */
  apiCount: number | null;
  writtenAt: string;
  /** sha256 (hex) of the previous manifest's bytes; null for the first. */
  previous: string | null;
}

/** The manifest's bytes: JSON in the field order above, one line, "\n" at the end (no "quarantine" when there is none). */
export function encodeManifest(m: Manifest): Buffer {
  const ordered: Manifest = {
    format: m.format, configId: m.configId, hour: m.hour, revision: m.revision,
    parts: m.parts.map((p) => ({ path: p.path, length: p.length, events: p.events, firstId: p.firstId, lastId: p.lastId, ranges: p.ranges.map((r) => ({ from: r.from, to: r.to, sha256: r.sha256 })) })),
    ...(m.quarantine?.length ? { quarantine: m.quarantine.map((q) => ({ path: q.path, bytes: q.bytes, events: q.events, sha256: q.sha256, reason: q.reason })) } : {}),
    apiCount: m.apiCount, writtenAt: m.writtenAt, previous: m.previous,
  };
  return Buffer.from(`${JSON.stringify(ordered)}\n`, 'utf8');
}

export function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `{root}/_manifests/year=YYYY/month=MM/day=DD/hour=HH/manifest-rNNNN.json` */
export function manifestPath(root: string, hour: Date, revision: number): string {
  if (!Number.isInteger(revision) || revision < 1 || revision > 9999) throw new RangeError(`revision must be 1..9999, got ${revision}`);
  const two = (n: number) => String(n).padStart(2, '0');
  const y = String(hour.getUTCFullYear()).padStart(4, '0');
  return `${root.replace(/\/+$/, '')}/_manifests/year=${y}/month=${two(hour.getUTCMonth() + 1)}/day=${two(hour.getUTCDate())}/hour=${two(hour.getUTCHours())}/manifest-r${String(revision).padStart(4, '0')}.json`;
}
