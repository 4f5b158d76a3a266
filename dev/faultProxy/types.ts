// Shared types of the fault proxy (re-exported from index.ts).

export type FaultKind = 'status' | 'reset-before' | 'reset-after' | 'delay';

export interface FaultRule {
  /** Matching: all given conditions must hold. */
  method?: string;
  /** Substring of the URL path (raw or percent-decoded). */
  pathIncludes?: string;
  /** Each query parameter must equal this value (e.g. { action: 'flush' }). */
  query?: Record<string, string>;
  fault: FaultKind;
  /** For 'status' (default 503). */
  status?: number;
  /** For 'status': overrides the x-ms-error-code derived from the status. */
  errorCode?: string;
  /** Adds Retry-After to a 'status' answer. */
  retryAfterSeconds?: number;
  /** For 'delay': wait, then forward. */
  delayMs?: number;
  /** How many matching requests get the fault (default 1; Infinity from code = always). */
  count?: number;
  /** Let this many matching requests pass first (default 0). */
  skip?: number;
}

export interface FaultStats {
  /** Proxied requests since the rules were last set or cleared. */
  requests: number;
  faulted: number;
  /** Faults injected per rule, in rule order. */
  byRule: number[];
}
