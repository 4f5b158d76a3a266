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

/** What read gives for a segment that is not there, the same from every ledger. */
export function ledgerSegmentMissing(hour: string, segment: string): ExportError {
  return new ExportError('LedgerSegmentMissing', `the ids of ${hour} ${segment} are not in host storage (AzureWebJobsStorage), though its batch is in the lake; the hour cannot be re-checked`, { kind: 'permanent' });
}
