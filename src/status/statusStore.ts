import type { StatusRecord } from './statusRecord';

/** Where run outcomes are kept for `status`; last writer wins (it reports, it does not coordinate). */
export interface StatusStore {
  load(options: { abortSignal: AbortSignal }): Promise<StatusRecord | undefined>;
  save(record: StatusRecord, options: { abortSignal: AbortSignal }): Promise<void>;
}
