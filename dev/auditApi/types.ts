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
  /** immuta-legacy only: write `dateTime` with an exponent (1.7966778e12), as a serializer of doubles does: the same number. */
  legacyDateTimeExponent?: boolean;
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

/** How an event is unreadable: a leap second (…T20:59:60Z), an id that is a number, a time without a zone, no time. */
export type UnreadableKind = 'leapSecond' | 'numericId' | 'noZone' | 'noTime';

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
  /** `count` says at most `max` (Elasticsearch's hits.total, capped at 10,000 unless track_total_hits); the hits are not capped. */
  countCap?: { max: number };
  /** `count` says `by` more than the range holds (fewer if negative; never below 0); applied before countCap. */
  countOffset?: { by: number };
  /** Every Nth answer (the Nth, 2Nth, … answered GET /audit) spells every id with JSON escapes: "/" as "\/" and the
   * first letter as \u00XX (the first character if the id has no letter); the same string by value. */
  escapedIds?: { every: number };
  /** Every Nth generated event is stored unreadable, `kinds` (default all) in turn; the same on every request.
   * Legacy records carry the leap second or the zoneless time as an ISO string in `dateTime`. See AuditApi.unreadable(). */
  unreadable?: { every: number; kinds?: UnreadableKind[] };
  /** Every Nth generated event is stored a second time, re-stamped: same id, the same body rendered at a later instant
   * (up to an hour later: the same or the next hour), a stored event of its own. See AuditApi.restamped(). */
  restampIds?: { every: number };
  /** Events live on two shards (by id); a page takes their events in turn and only the page is sorted: the order
   * breaks across pages, and each shard filters the range itself, so asking from the last instant seen skips events. */
  sortWithinPagesOnly?: boolean;
}

/** A re-stamped copy the restampIds fault stores: ground truth for tests. */
export interface AuditRestamped {
  id: string;
  /** The first instant (the event as generated), ISO-8601 UTC. */
  at: string;
  /** The copy's instant, later, in the same or the next hour. */
  restampedAt: string;
  /** The copy's exact JSON text as served. */
  json: string;
}

/** An event the unreadable fault spoiled: ground truth for tests. */
export interface AuditUnreadable {
  /** Its id as generated (a numericId event is served with a number instead). */
  id: string;
  kind: UnreadableKind;
  /** Its instant as generated, which decides where it is served: ISO-8601 UTC. */
  at: string;
  /** The exact JSON text served. */
  json: string;
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
  /** The key the API accepts now. */
  readonly apiKey: string;
  /** Rotates the key: the old one is refused from now on (at the exchange too); tokens issued stay valid until they expire. */
  setApiKey(key: string): void;
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
  /** The events the unreadable fault spoils in a range (by their instant as generated), in order. */
  unreadable(range?: { minDate?: Date; maxDate?: Date }): AuditUnreadable[];
  /** The re-stamped copies whose new instant is in a range, in the order of their first instant. */
  restamped(range?: { minDate?: Date; maxDate?: Date }): AuditRestamped[];
  /** The stored events in (time, id) order, each once, as the exact JSON text served (for tests and the demo's
   * verification); reflects mutations; lazy, O(1) memory. */
  eventsJson(range?: { minDate?: Date; maxDate?: Date }): Iterable<string>;
  /** How many distinct events are stored now (a re-stamped copy is one of its own). */
  readonly totalEvents: number;
  stop(): Promise<void>;
}
