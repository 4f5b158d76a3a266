// Every default in one place: the settings an operator may leave out, and the time-outs of the peers.

/** What a setting is when left out (README, "Settings"). */
export const SETTING_DEFAULTS = Object.freeze({
  EXPORT_INTERVAL: 'EVERY_12_HOURS',
  AUDIT_API_KIND: 'immuta-uam',
  EXPORT_LAG_SECONDS: 300,
  AUDIT_PAGE_SIZE: 1000,
  AUDIT_REQUEST_TIMEOUT_SECONDS: 60,
  AUDIT_MAX_ATTEMPTS: 5,
  EXPORT_TIME_BUDGET_SECONDS: 480,
  EXPORT_FILE_MAX_BYTES: 256 * 1024 * 1024,
  // A batch is the unit of the checkpoint: one intent and one flush. Its size costs no memory (its parts do), so it
  // is large enough that the checkpoint write and the flush are a small part of its time.
  EXPORT_BATCH_MAX_BYTES: 32 * 1024 * 1024,
  EXPORT_LEASE_SECONDS: 60,
  EXPORT_RECHECK_HOURS: 72,
  // An event that cannot be placed goes to quarantine and the run goes on (`stop`: the answer is refused, as before).
  EXPORT_INVALID_EVENTS: 'quarantine',
  SAS_EXPIRY_WARNING_DAYS: 7,
} as const);

/** A first run without EXPORT_START starts this far back. */
export const FIRST_RUN_LOOKBACK_MS = 24 * 3600 * 1000;

/** Left of the function timeout for the batch in flight to finish and the checkpoint to be saved. */
export const DEADLINE_MARGIN_MS = 60_000;

/**
 * Appends of up to 2 MiB, three in flight while a fourth fills: 8 MiB of buffers whatever the backlog. Against 4 MiB
 * in alternating bench runs: 3-5 % fewer events/s, but 3-8 MiB less peak RSS for a large backlog, which keeps it within
 * 5 % of a small run's (a small run touches less of larger buffers). 8 MiB appends only cost more memory.
 * A small batch is still cut in PARTS appends, so they travel together; one event larger than a batch is appended in
 * whole parts (the buffers are made on first need, and small batches fill only the first bytes of theirs).
 */
export const PART_BYTES = 2 * 1024 * 1024;
export const PARTS = 4;
/** Answers of the next window kept ready while the current one is written. */
export const NEXT_WINDOW_READY = 1;
/**
 * Requests out at most for one window: the API's latency overlaps the lake writes and the scan. How many are out
 * follows the API: two more each time a page is waited for, one fewer each time it was there already. Against an
 * API answering in 100 ms, eight give 45,000 events/s where four gave 28,000; against a local one, pages waiting in
 * memory only cost (three: 117 MiB peak RSS for 1M events, eight always: 164 MiB, same speed).
 */
export const PAGES_AHEAD = 8;
/** The fewest requests kept out for a window once it is under way. */
export const PAGES_AHEAD_MIN = 2;
/**
 * Bytes the pages asked ahead may hold at once, over the window being written and the next one: pages of 1-2 MB
 * keep PAGES_AHEAD out; pages of 60 MB one at a time (two pages in memory: the one written, the one coming).
 */
export const READ_AHEAD_BYTES = 16 * 1024 * 1024;
/**
 * How far past a window's end a request that may reach it asks (its maxDate): the events after the window prove in
 * the same answer that it ended. An hour finds the next event in any export that is not idle.
 */
export const WINDOW_END_REACH_MS = 3600 * 1000;
/** Page buffers a run's audit source keeps: as many as can be in flight, a window's pages ahead and the next window's first. */
export const PAGE_BUFFERS = PAGES_AHEAD + 3;
/** A page beyond this is refused rather than buffered (10,000 events of 50 KB each). */
export const MAX_PAGE_BYTES = 512 * 1024 * 1024;
/**
 * Quarantine files written at once (EXPORT_INVALID_EVENTS=quarantine): one small file per event that cannot be
 * placed, so an answer of many is not as many round trips one after another; the answer waits for a free one.
 */
export const QUARANTINE_WRITES_AT_ONCE = 8;
/**
 * Quarantined events one hour may list: each is a line of the checkpoint (saved with every batch) and of the hour's
 * manifest. More is no longer a bad event but an API this exporter does not read: the run stops, saying so.
 */
export const QUARANTINE_MAX_PER_HOUR = 1000;
/** Hour counts a re-check asks at once: one request each. */
export const RECHECK_COUNTS_AT_ONCE = 8;

/** The audit API's backoff between attempts (AUDIT_MAX_ATTEMPTS says how many): full jitter, doubling from the base. */
export const AUDIT_RETRY_BACKOFF = Object.freeze({ baseDelayMs: 500, maxDelayMs: 30_000 });

/** How one SDK client tries a call: passed to the SDK's own retry options. */
export interface PeerRetry {
  /** One try may take this long (storage also gets it as its server-side `timeout`, in whole seconds). */
  tryTimeoutMs: number;
  /** Tries in all, the first included. */
  maxTries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
}

export interface PeerTimeouts {
  keyVault: PeerRetry;
  hostStorage: PeerRetry;
  lake: PeerRetry;
  /** verify's reads of the lake, with its own Read + List SAS. */
  lakeRead: PeerRetry;
}

export const PEER_TIMEOUTS: Readonly<PeerTimeouts> = Object.freeze({
  // A secret read answers in well under a second.
  keyVault: { tryTimeoutMs: 10_000, maxTries: 3, retryDelayMs: 500, maxRetryDelayMs: 4_000 },
  // Small JSON blobs and leases; a checkpoint save much slower than this would outlast the lease anyway.
  hostStorage: { tryTimeoutMs: 15_000, maxTries: 3, retryDelayMs: 500, maxRetryDelayMs: 4_000 },
  // An append carries up to EXPORT_BATCH_MAX_BYTES: time to upload 100 MiB on a slow link.
  lake: { tryTimeoutMs: 120_000, maxTries: 4, retryDelayMs: 500, maxRetryDelayMs: 15_000 },
  // verify asks for a page of the listing or a 4 MiB range of a file at a time.
  lakeRead: { tryTimeoutMs: 60_000, maxTries: 4, retryDelayMs: 500, maxRetryDelayMs: 15_000 },
});

/** Defaults overlaid by what a caller (a test) gives. */
export function peerTimeouts(given: Partial<PeerTimeouts> = {}): PeerTimeouts {
  return { ...PEER_TIMEOUTS, ...given };
}

/**
 * The longest one SDK call may take: every try at its time-out and the longest backoff between them. Each call is
 * also held to this from outside, because the storage SDK sends the try time-out to the server only: a peer that
 * never answers would otherwise hold the call for ever.
 */
export function callTimeoutMs(retry: PeerRetry): number {
  let total = retry.tryTimeoutMs * retry.maxTries;
  for (let n = 1; n < retry.maxTries; n++) total += Math.min(retry.retryDelayMs * 2 ** n, retry.maxRetryDelayMs);
  return total;
}

/** Reading the status (the checkpoint and the status record) for `status` and the HTTP status function. */
export const STATUS_READ_TIMEOUT_MS = 30_000;
/** `checkpoint show` and `checkpoint reset`: a read, or a lease, a read and a conditional write. */
export const CHECKPOINT_COMMAND_TIMEOUT_MS = 60_000;

/** Keeping a status record is best effort: it never holds up the result it describes for longer than this. */
export const STATUS_UPDATE_TIMEOUT_MS = 15_000;

export type LinkName = 'identity' | 'vault' | 'lake' | 'state' | 'audit-api';

/** test-connection: each link has a time of its own, so one that hangs fails alone and the others are still checked. */
export const LINK_TIMEOUTS_MS: Readonly<Record<LinkName, number>> = Object.freeze({
  identity: 20_000,
  vault: 30_000,
  lake: 30_000,
  state: 30_000,
  // Room for a request at AUDIT_REQUEST_TIMEOUT_SECONDS' default and a short Retry-After.
  'audit-api': 60_000,
});

/**
 * How test-connection asks the audit API again after a transient answer, before it reports it as a failure: without
 * a cap on the wait, because a Retry-After is honoured in full or not at all (the link's time decides).
 */
export const AUDIT_PROBE_RETRY = Object.freeze({ maxAttempts: 4, baseDelayMs: 500, maxDelayMs: Infinity });

/**
 * Every link at its time-out plus the status record: test-connection never takes longer. Below the 230 s an
 * HTTP function may take to answer, so the HTTP check always gets its report.
 */
export const CONNECTION_TEST_MAX_MS = Object.values(LINK_TIMEOUTS_MS).reduce((a, b) => a + b, 0) + STATUS_UPDATE_TIMEOUT_MS;

/**
 * verify holds each request to the lake, all its tries and the body, to these: the SDK sends its try time-out to the
 * server only.
 */
export const LAKE_READ_TIMEOUTS_MS = Object.freeze({ listPage: 120_000, range: 120_000 });

/** verify reads its SAS (and the API key) from the vault within this. */
export const VERIFY_VAULT_TIMEOUT_MS = 60_000;

/** `verify --against-api`: run by hand, so a short retry, as test-connection has. */
export const VERIFY_API_RETRY = Object.freeze({ maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 4_000 });
