import { ExportError } from '../errors';

/**
 * Which event ids the export has written, per hour, so that a re-check appends only the events it has not: one
 * segment per batch, named by its file and byte range, holding the sorted 16-byte digests of the batch's ids. A
 * segment is written before its batch's intent; it counts only while the hour's manifest lists its range (a crash can
 * leave segments of batches that never landed).
 */
export interface IdLedger {
  put(hour: string, segment: string, digests: Buffer, options: { abortSignal: AbortSignal }): Promise<void>;
  /** The segments asked for, in order; one that is not there is `ledgerSegmentMissing` (its batch is listed as committed). */
  read(hour: string, segments: string[], options: { abortSignal: AbortSignal }): Promise<Buffer[]>;
  /** Forgets every hour before `hour` (past the re-check horizon). */
  pruneBefore(hour: string, options: { abortSignal: AbortSignal }): Promise<void>;
}

/** A segment's name: the part file and the byte range of its batch. */
export function segmentName(part: number, from: number, to: number): string {
  return `${String(part).padStart(4, '0')}-${from}-${to}`;
}

/**
 * What read gives for a segment that is not there, the same from every ledger: which batch's ids were looked for
 * (hour, part, byte range, segment) and where (`where`: the container and blob path). A re-check reads only
 * committed batches' segments, each written before its batch's intent, so this is host-storage data lost.
 */
export function ledgerSegmentMissing(hour: string, segment: string, where: string): ExportError {
  const [part, from, to] = segment.split('-');
  const batch = to === undefined ? `segment ${segment}` : `part ${Number(part)}, bytes ${from}-${to} (segment ${segment})`;
  return new ExportError(
    'LedgerSegmentMissing',
    `the ids of the batch of ${hour} in ${batch} are not in host storage (AzureWebJobsStorage) at ${where}, though its batch is in the lake: ` +
      'the hour cannot be re-checked (was the state container, or its ledgers folder, deleted or restored from an older copy?)',
    { kind: 'permanent' },
  );
}
