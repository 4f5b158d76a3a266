import { encodeManifest, MANIFEST_FORMAT, sha256Hex, type Manifest, type ManifestPart, type QuarantineFile } from './manifest';

/** What the export has committed of the hour it is writing, kept in the checkpoint until the hour's manifest is due. */
export interface HourRecord {
  /** ISO start of the UTC hour. */
  hour: string;
  parts: ManifestPart[];
  /** Events of the hour that could not be placed, each in its quarantine file; absent when none. */
  quarantine?: QuarantineFile[];
  /** The audit API's count for the hour so far (summed over its windows); null once a window went uncounted. */
  apiCount: number | null;
  /** Events exported (written, copies dropped, and quarantined) for the hour, to compare with the API's count on a re-check. */
  exported?: number;
  /** Events of its first window's search range before the hour, and of its last at or past its end (for counts). */
  before?: number | null;
  beyond?: number | null;
  /** Where the export's first window in the hour began (EXPORT_START or a reset may fall inside an hour). */
  from?: string;
  /** Part of the hour was skipped on purpose (a checkpoint reset ahead inside it): its count cannot be compared. */
  skipped?: boolean;
}

/** A window's contribution to its hour's record. */
export interface WindowCount {
  /** The window's start. */
  from: string;
  apiCount: number | null;
  exported: number;
  before: number | null;
  beyond: number | null;
}

/** A committed batch as the hour record needs it: its file, byte range, events, hash and first and last ids. */
export interface CommittedBatch {
  hour: string;
  path: string;
  from: number;
  to: number;
  events: number;
  sha256: string;
  firstId: string;
  lastId: string;
  firstAt?: number;
  lastAt?: number;
}

/** The hour record once `batch` is committed; a record for another hour is a bug, not something to write around. */
export function recordBatch(record: HourRecord | undefined, batch: CommittedBatch): HourRecord {
  const base = record ?? { hour: batch.hour, parts: [], apiCount: 0 };
  if (base.hour !== batch.hour) throw new Error(`a batch of hour ${batch.hour} while hour ${base.hour} is open`);
  const parts = base.parts.map((p) => ({ ...p, ranges: [...p.ranges] }));
  let part = parts.find((p) => p.path === batch.path);
  if (!part) {
    // A file begun before manifests existed: what came before this batch is listed without a hash.
    part = { path: batch.path, length: 0, events: 0, firstId: batch.from > 0 ? '' : batch.firstId, lastId: batch.firstId, ranges: batch.from > 0 ? [{ from: 0, to: batch.from, sha256: '' }] : [] };
    parts.push(part);
  }
  part.ranges.push({ from: batch.from, to: batch.to, sha256: batch.sha256, ...(batch.firstAt !== undefined ? { firstAt: batch.firstAt, lastAt: batch.lastAt } : {}) });
  part.length = batch.to;
  part.events += batch.events;
  part.lastId = batch.lastId;
  return { ...base, parts };
}

/**
 * The hour record once an event that could not be placed is in its quarantine file. A file it lists already is the
 * same bytes served again (the name is their sha256): listed and counted once.
 */
export function recordQuarantine(record: HourRecord | undefined, hour: string, file: QuarantineFile): HourRecord {
  const base = record ?? { hour, parts: [], apiCount: 0 };
  if (base.hour !== hour) throw new Error(`a quarantined event of hour ${hour} while hour ${base.hour} is open`);
  if (base.quarantine?.some((q) => q.path === file.path)) return base;
  return { ...base, quarantine: [...(base.quarantine ?? []), file], exported: (base.exported ?? 0) + file.events };
}

/** Adds a window's count to the hour's (null, unknown, once any window had none). */
export function recordCount(record: HourRecord | undefined, hour: string, w: WindowCount): HourRecord {
  const base = record ?? { hour, parts: [], apiCount: 0 };
  if (base.hour !== hour) throw new Error(`a count for hour ${hour} while hour ${base.hour} is open`);
  return {
    ...base,
    apiCount: base.apiCount === null || w.apiCount === null ? null : base.apiCount + w.apiCount,
    exported: (base.exported ?? 0) + w.exported,
    // The hour's first window tells what precedes it; its last, what follows.
    before: base.before === undefined ? w.before : base.before,
    beyond: w.beyond,
    from: base.from ?? w.from,
  };
}

/** The hour's manifest, chained to `previous` (the sha256 of the manifest written before it). */
export function manifestOf(record: HourRecord, options: { configId: string; writtenAt: string; previous: string | null; revision?: number }): Manifest {
  return {
    format: MANIFEST_FORMAT,
    configId: options.configId,
    hour: record.hour,
    revision: options.revision ?? 1,
    parts: record.parts.map((p) => ({ ...p, ranges: [...p.ranges] })),
    ...(record.quarantine?.length ? { quarantine: record.quarantine.map(({ window: _kept, ...q }) => q) } : {}),
    apiCount: record.apiCount,
    writtenAt: options.writtenAt,
    previous: options.previous,
  };
}

/** The sha256 of a manifest's bytes: what the next one names as `previous`. */
export function manifestHash(m: Manifest): string {
  return sha256Hex(encodeManifest(m));
}
