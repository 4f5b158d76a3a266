// The public shapes of the sample audit API. index.ts re-exports them; other folders code against these.

/** 'immuta-uam': Universal Audit Model events; 'immuta-legacy': Immuta's V1 audit search records. */
export type AuditKind = 'immuta-uam' | 'immuta-legacy';

/** 'utc': 2024-05-01T00:00:00.000Z; 'offset-micros': 2024-04-30T20:00:00.000000-04:00 (same instant, per-event offset). */
export type TimestampStyle = 'utc' | 'offset-micros';

/**
 * 'bearer': `Authorization: Bearer <key>`; 'apikey': `Authorization: <key>` (Immuta's documented raw form);
 * 'immuta-token': POST /bim/apikey/authenticate exchanges the key for a token, then `Authorization: Bearer <token>`.
 */
export type AuditAuth = 'bearer' | 'apikey' | 'immuta-token';

export interface AuditEventsOptions {
  /** How many synthetic events to generate (0 .. 2^32-1); computed on demand unless `prerender` is set. */
  count: number;
  /** Time of the first generated event's window. */
  start: Date;
  /** Generated events are spread over [start, start + spanSeconds). */
  spanSeconds: number;
  /** Same seed and options → byte-identical events. Default 1. */
  seed?: number;
  /** Default 'immuta-uam'. */
  kind?: AuditKind;
  /** immuta-uam only. Default 'utc'. */
  timestampStyle?: TimestampStyle;
  /** immuta-legacy only: write `dateTime` as a string of digits (as Immuta's doc examples show) instead of a number. */
  legacyDateTimeAsString?: boolean;
  /** Generated events come in groups of this many sharing one timestamp, so ties exist. Default 1. */
  sameInstant?: number;
  /** Caller-supplied events, merged in (time, id) order and served as JSON.stringify of the object. Each needs a
   * string `id` and a time: `eventTimestamp` (ISO-8601) or `dateTime` (epoch ms, number or digits). */
  extraEvents?: object[];
  /** Render every generated event once at start (about count × 740 bytes of memory) and serve pages from those
   * bytes: for the benchmark, where a real API's cost is on another machine. Default false. */
  prerender?: boolean;
}

export type DateBound = 'inclusive' | 'exclusive';

export interface AuditFaults {
  rateLimit?: { count: number; retryAfterSeconds: number };
  serverErrors?: { count?: number; rate?: number; status?: number };
  delayMs?: number;
  malformed?: { count: number };
  truncated?: { count: number };
  reset?: { count: number };
  late?: { fraction: number; delaySeconds: number };
  /** Never more than this many hits per answer, whatever `size` asked; `count` is unchanged and nothing says so. */
  pageCap?: number;
  /** Events that share a timestamp come back in another order on each request (a sort by time only). */
  unstableTies?: boolean;
  /** How minDate/maxDate filter; default { minDate: 'inclusive', maxDate: 'exclusive' }. */
  bounds?: { minDate: DateBound; maxDate: DateBound };
  /** Every Nth generated event is stored twice: served twice, adjacent, same JSON and id; `count` includes the copies. */
  duplicates?: { every: number };
  /** Once, right after the afterRequests-th answered GET /audit (default 1): insert `insert` new events and remove
   * `remove` existing ones, both spread evenly over that request's range. See AuditApi.mutations(). */
  mutate?: { insert?: number; remove?: number; afterRequests?: number };
  /** Answers have no `count` field. */
  noCount?: boolean;
  /** `count` is never more than `max` (as Elasticsearch's hits.total stops at 10,000 by default); pages are unchanged. */
  countCap?: { max: number };
  /** `count` is off by `by` (negative: fewer), never below 0; pages are unchanged. Applied before countCap. */
  countOffset?: { by: number };
}

/** What the mutate fault changed: ground truth for tests. */
export interface AuditMutations {
  /** Whether it has happened yet. */
  applied: boolean;
  /** The range of the request it followed, as filtered (half-open, after `bounds`). */
  range: { minDate: string; maxDate: string } | null;
  /** The inserted events' exact JSON text as served, in (time, id) order. */
  inserted: string[];
  /** Ids of the removed events. */
  removed: string[];
}

export interface AuditStats {
  /** Requests to non-admin paths (token exchanges included). */
  requests: number;
  /** Events delivered in intact 200 answers (malformed/truncated/reset answers do not count). */
  served: number;
  /** Non-admin answers by HTTP status, e.g. { "200": 12, "429": 1 }. */
  byStatus: Record<string, number>;
  /** immuta-token auth only: tokens issued by POST /bim/apikey/authenticate. */
  tokenExchanges?: number;
}

export interface AuditApiStartOptions {
  events: AuditEventsOptions;
  /** Default: random. */
  apiKey?: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** Default 'bearer' for immuta-uam, 'apikey' for immuta-legacy. */
  auth?: AuditAuth;
  /** immuta-token: lifetime of a token on the server's clock. Default 3600. */
  tokenTtlSeconds?: number;
  /** Faults in force from the start. */
  faults?: AuditFaults;
}

export interface AuditApi {
  /** http://127.0.0.1:PORT */
  url: string;
  port: number;
  apiKey: string;
  kind: AuditKind;
  auth: AuditAuth;
  /** Replaces all faults; also undoes what an earlier mutate fault changed. */
  setFaults(faults: AuditFaults): void;
  resetFaults(): void;
  /** Pins the server clock (visibility of events, token expiry); null returns to real time. */
  setNow(now: Date | null): void;
  stats(): AuditStats;
  resetStats(): void;
  /** immuta-token: expires every token issued so far; returns how many were still valid. */
  expireTokens(): number;
  /** What the mutate fault inserted and removed. */
  mutations(): AuditMutations;
  /** The stored events in (time, id) order, each once, as the exact JSON text served (for tests and the demo's
   * verification); reflects mutations; lazy, O(1) memory. */
  eventsJson(range?: { minDate?: Date; maxDate?: Date }): Iterable<string>;
  /** How many distinct events are stored now. */
  readonly totalEvents: number;
  stop(): Promise<void>;
}
