import { recordBatch, recordCount, recordQuarantine, manifestHash, manifestOf, type HourRecord, type WindowCount } from '../manifest/hourRecord';
import type { Manifest, QuarantineFile } from '../manifest/manifest';
import { HOUR_MS } from '../time/window';

/**
 * The exporter's whole state for one export configuration.
 *
 * Invariant: every event with a time < `watermark` is committed in the lake, plus, when a window is part-way done,
 * what `cursor` says of it (keyset paging: every event before `cursor.at`, and those in `cursor.ids` at it). `file`
 * is the hour file being filled and its committed length. `intent` is a write that may or may not have reached the
 * lake: it is recorded once its bytes are staged, before the flush that makes them visible, and cleared, together
 * with the advance it describes, after that flush. `noticed` lists hours where the audit API came to hold more
 * events than were exported, with the numbers of the latest count: an hour stays there (and every run ends
 * `incomplete`) until a re-check appends what was missing, a count agrees, or an operator acknowledges it
 * (`acknowledged`).
 */
export interface Checkpoint {
  version: 2;
  /** Where the export began (EXPORT_START, or the first run's default): later settings cannot move it. */
  origin?: string;
  watermark: string;
  cursor?: Cursor;
  file?: OpenFile;
  intent?: Intent;
  noticed?: Noticed[];
  /** Short hours an operator accepted as they stood (`checkpoint acknowledge`), newest last. */
  acknowledged?: Acknowledged[];
  /** The head of the manifests' hash chain (see manifest/manifest.ts). */
  chain?: Chain;
  /** The hour being written: its committed parts, hashes and count, until its manifest is due. */
  openHour?: HourRecord;
  /** Manifests due, in order, each chained to the one before: written, then dropped from here and the chain moved. */
  pendingManifests?: Manifest[];
  /** Closed hours within the re-check horizon: what each holds (its last manifest) and how to count it again. */
  recent?: RecentHour[];
  /** A re-check appending late events to a closed hour, part-way done. */
  recheck?: Recheck;
  /** Events put in quarantine that no run has reported yet: the next run that is caught up ends `incomplete`. */
  quarantineUnseen?: number;
  /** The quarantine files of the hour closed last: an event served again across its end is not kept twice. */
  closedQuarantine?: string[];
  /** This configuration's claim on ADLS_PATH: it created the `_owner` file there (delivery/claimPath.ts). */
  claim?: Claim;
  /** The claimed path was found emptied or replaced: every run stops until `checkpoint reset`. */
  lakeReset?: { detectedAt: string };
}

export interface Claim {
  /** The `_owner` file, and when this configuration claimed it. */
  path: string;
  claimedAt: string;
  /**
   * What the file holds (a random tail makes its length this configuration's own): a file of another length at
   * that path is not the one this configuration wrote.
   */
  content: string;
  /** Recorded before the file is created, until a run saw it created: a file found then may be another's. */
  pending?: boolean;
}

export interface RecentHour {
  record: HourRecord;
  revision: number;
}

interface Recheck {
  hour: string;
  /** The new part file the late events go into, and its committed length. */
  file: OpenFile;
  /** The hour's parts, old and new, as its next manifest revision will list them. */
  record: HourRecord;
  revision: number;
  /** The API's count of the hour when the re-check began. */
  apiCount: number;
  cursor?: Cursor;
}

export interface Chain {
  /** sha256 (hex) of the last manifest written. */
  head: string;
  /** Its path, and when it was written. */
  path: string;
  writtenAt: string;
  /** Manifests written so far. */
  manifests: number;
}

/** Where a part-done window's paging stands (see pages/position.ts). */
export interface Cursor {
  window: { start: string; end: string };
  /** The next request: its minDate, and how many events at its head are already written. */
  from: string;
  skip: number;
  /** The last written event's time, and the ids (JSON tokens) written at it. */
  at: string;
  ids: string[];
  /** Ids at `at` that the API showed more than once, with how many copies. */
  copies?: Record<string, number>;
  written: number;
  dropped: number;
  before?: number;
}

/** An hour whose events the API counted more of than were exported. */
export interface Noticed {
  hour: string;
  /** As of the latest count (`countedAt`). */
  missing: number;
  /** When the hour was first found short. */
  noticedAt: string;
  /** When it was last counted (absent in checkpoints written before counts were kept up to date: `noticedAt`). */
  countedAt?: string;
}

/** A short hour an operator accepted: the shortfall as it stood, who and when. */
export interface Acknowledged {
  hour: string;
  missing: number;
  noticedAt: string;
  countedAt: string;
  acknowledgedAt: string;
  by: string;
}

/** A count of a whole hour by the re-check: how many the API holds beyond those exported (0 or less: none missing). */
interface Counted {
  hour: string;
  missing: number;
  countedAt: string;
}

export interface OpenFile {
  path: string;
  /** ISO start of the UTC hour the file holds. */
  hour: string;
  part: number;
  /** Bytes committed (flushed) so far. */
  length: number;
}

export interface Intent {
  /** The file after the write: path, hour, part and length (= `to`). */
  file: OpenFile;
  /** The batch started the file (created it before its first append). */
  create: boolean;
  from: number;
  to: number;
  events: number;
  /** sha256 of the batch's bytes, and its first and last event's id (and time): what the hour's manifest lists. */
  sha256?: string;
  firstId?: string;
  lastId?: string;
  firstAt?: number;
  lastAt?: number;
  /** Where the export stands once these bytes are in: the new watermark and cursor. */
  next: Next;
}

export interface Next {
  watermark: string;
  cursor?: Cursor;
  /** An hour whose count check found events missing, recorded with the move past it. */
  noticed?: Noticed;
  /** A re-check's count of a whole closed hour: the hour's numbers in `noticed` become these. */
  counted?: Counted;
  /** A window is done: its count joins the hour's, and if it ends the hour, the hour's manifest is due. */
  hourDone?: HourDone;
  /** A step of a re-check: begun, part-way (its cursor), or done (the hour's next manifest revision is due). */
  recheck?: RecheckStep;
  /** Events passed by this move that could not be placed: each is in its quarantine file, listed by its hour from now on. */
  quarantined?: Quarantined[];
  /** The run reports the events put in quarantine so far (its status is `incomplete`): quarantineUnseen is cleared. */
  seen?: boolean;
}

/** A quarantine file written, and the hour (ISO start) whose record lists it. */
export interface Quarantined extends QuarantineFile {
  hour: string;
}

interface HourDone extends WindowCount {
  hour: string;
  closes: boolean;
  configId: string;
  writtenAt: string;
  /** Closed hours kept for re-checks (EXPORT_RECHECK_HOURS); 0 keeps none. */
  keepHours: number;
}

type RecheckStep =
  | { begin: { hour: string; file: OpenFile; apiCount: number } }
  | { cursor: Cursor }
  | { done: { configId: string; writtenAt: string } };

/** Hours kept in `noticed` and in `acknowledged`: the oldest give way (the re-check horizon is far shorter). */
const NOTICED_KEPT = 1000;

export function initialCheckpoint(watermark: Date): Checkpoint {
  return { version: 2, origin: watermark.toISOString(), watermark: watermark.toISOString() };
}

/**
 * The state once the export stands at `next`: a new watermark, a cursor only if a window is part-way done; a done
 * window's count joins its hour's, and an hour that ends is closed: its manifest joins those due.
 */
export function advanceCheckpoint(from: Checkpoint, next: Next): Checkpoint {
  // Quarantined events join their hour's record first: a move that closes the hour lists them in its manifest.
  const c = next.quarantined?.length ? withQuarantined(from, next.quarantined) : from;
  const { cursor: _old, noticed: kept, openHour: open, pendingManifests: due, recent: known, quarantineUnseen: unseen, closedQuarantine, ...rest } = c;
  let closed = closedQuarantine ?? [];
  let noticed = next.noticed ? windowShort(kept, next.noticed) : kept;
  if (next.counted) noticed = hourCounted(noticed, c.acknowledged, next.counted);
  let openHour = open;
  let pendingManifests = due;
  let recent = known;
  const done = next.hourDone;
  if (done) {
    openHour = recordCount(openHour, done.hour, done);
    if (done.closes) {
      pendingManifests = [...(pendingManifests ?? []), manifestOf(openHour, { configId: done.configId, writtenAt: done.writtenAt, previous: chainEnd(c) })];
      const horizon = Date.parse(done.hour) - (done.keepHours - 1) * HOUR_MS;
      recent = done.keepHours > 0 ? [...(recent ?? []), { record: openHour, revision: 1 }].filter((r) => Date.parse(r.record.hour) >= horizon) : undefined;
      closed = openHour?.quarantine?.map((q) => q.path) ?? [];
      openHour = undefined;
    }
  }
  const moved: Checkpoint = {
    ...rest,
    watermark: next.watermark,
    ...(next.cursor ? { cursor: next.cursor } : {}),
    ...(noticed?.length ? { noticed } : {}),
    ...(openHour ? { openHour } : {}),
    ...(pendingManifests?.length ? { pendingManifests } : {}),
    ...(recent?.length ? { recent } : {}),
    ...(unseen && !next.seen ? { quarantineUnseen: unseen } : {}),
    ...(closed.length ? { closedQuarantine: closed } : {}),
  };
  return next.recheck ? recheckMoved(moved, next.recheck) : moved;
}

/** Each quarantine file listed by its hour: the re-check's, if one is under way on that hour, else the open hour's. */
function withQuarantined(c: Checkpoint, files: readonly Quarantined[]): Checkpoint {
  let { openHour, recheck } = c;
  let added = 0;
  for (const { hour, ...file } of files) {
    const before = recheck?.hour === hour ? recheck.record : openHour;
    const after = recordQuarantine(before, hour, file);
    if (after !== before) added += file.events;
    if (recheck?.hour === hour) recheck = { ...recheck, record: after };
    else openHour = after;
  }
  const unseen = (c.quarantineUnseen ?? 0) + added;
  return { ...c, ...(openHour ? { openHour } : {}), ...(recheck ? { recheck } : {}), ...(unseen > 0 ? { quarantineUnseen: unseen } : {}) };
}

/** A window found short: its shortfall adds to its hour's (the windows of an hour are disjoint), counted now. */
function windowShort(noticed: Noticed[] | undefined, n: Noticed): Noticed[] {
  const known = noticed?.find((e) => e.hour === n.hour);
  if (!known) return [...(noticed ?? []), { ...n, countedAt: n.countedAt ?? n.noticedAt }].slice(-NOTICED_KEPT);
  return noticed!.map((e) => (e === known ? { ...e, missing: e.missing + n.missing, countedAt: n.countedAt ?? n.noticedAt } : e));
}

/**
 * A whole hour counted again: short, it is noticed with the new numbers (unless an operator acknowledged as many or
 * more missing); not short, it leaves `noticed`.
 */
function hourCounted(noticed: Noticed[] | undefined, acknowledged: Acknowledged[] | undefined, counted: Counted): Noticed[] | undefined {
  const known = noticed?.find((e) => e.hour === counted.hour);
  const others = noticed?.filter((e) => e !== known);
  const accepted = acknowledged?.filter((a) => a.hour === counted.hour).at(-1);
  if (counted.missing <= 0 || (accepted && counted.missing <= accepted.missing)) return others;
  const entry = { hour: counted.hour, missing: counted.missing, noticedAt: known?.noticedAt ?? counted.countedAt, countedAt: counted.countedAt };
  return known ? noticed!.map((e) => (e === known ? entry : e)) : [...(noticed ?? []), entry].slice(-NOTICED_KEPT);
}

/**
 * An operator accepts a short hour as it stands: it leaves `noticed` and is kept, with who and when, in
 * `acknowledged`. A later count that finds more missing than was accepted notices it again. Undefined when the hour
 * is not noticed.
 */
export function acknowledgeHour(c: Checkpoint, hour: string, by: string, at: string): Checkpoint | undefined {
  const n = c.noticed?.find((e) => e.hour === hour);
  if (!n) return undefined;
  const { noticed: _short, acknowledged: _before, ...rest } = c;
  const noticed = c.noticed!.filter((e) => e !== n);
  const entry: Acknowledged = { hour, missing: n.missing, noticedAt: n.noticedAt, countedAt: n.countedAt ?? n.noticedAt, acknowledgedAt: at, by };
  return { ...rest, ...(noticed.length ? { noticed } : {}), acknowledged: [...(c.acknowledged ?? []), entry].slice(-NOTICED_KEPT) };
}

/** The sha256 the next manifest names as `previous`: the last one due, or the chain's head. */
function chainEnd(c: Checkpoint): string | null {
  return c.pendingManifests?.length ? manifestHash(c.pendingManifests.at(-1)!) : (c.chain?.head ?? null);
}

/** A re-check begins on a recent hour, moves on, or ends with the hour's next manifest revision due. */
function recheckMoved(c: Checkpoint, step: RecheckStep): Checkpoint {
  if ('begin' in step) {
    const entry = c.recent?.find((r) => r.record.hour === step.begin.hour);
    if (!entry) throw new Error(`no recent hour ${step.begin.hour} to re-check`);
    return { ...c, recheck: { hour: entry.record.hour, file: step.begin.file, record: entry.record, revision: entry.revision + 1, apiCount: step.begin.apiCount } };
  }
  const r = c.recheck;
  if (!r) throw new Error('a re-check step without a re-check');
  if ('cursor' in step) return { ...c, recheck: { ...r, cursor: step.cursor } };
  const { recheck: _done, ...rest } = c;
  const record = { ...r.record, apiCount: r.apiCount };
  const manifest = manifestOf(record, { configId: step.done.configId, writtenAt: step.done.writtenAt, previous: chainEnd(c), revision: r.revision });
  // What the re-read could not append keeps the hour noticed, with the numbers as they stand now.
  const countedAt = c.noticed?.find((n) => n.hour === r.hour)?.countedAt ?? step.done.writtenAt;
  const noticed = hourCounted(c.noticed, c.acknowledged, { hour: r.hour, missing: r.apiCount - (record.exported ?? 0), countedAt });
  const { noticed: _kept, ...others } = rest;
  return {
    ...others,
    ...(noticed?.length ? { noticed } : {}),
    pendingManifests: [...(c.pendingManifests ?? []), manifest],
    recent: (c.recent ?? []).map((e) => (e.record.hour === r.hour ? { record, revision: r.revision } : e)),
  };
}

/** The state once an intent's bytes are committed: the hour records the batch, then the export advances, in one write. */
export function applyIntent(c: Checkpoint, intent: Intent): Checkpoint {
  const batch = intent.sha256
    ? {
        hour: intent.file.hour, path: intent.file.path, from: intent.from, to: intent.to, events: intent.events, sha256: intent.sha256,
        firstId: intent.firstId ?? '', lastId: intent.lastId ?? '', firstAt: intent.firstAt, lastAt: intent.lastAt,
      }
    : undefined;
  const r = c.recheck;
  if (r && intent.file.hour === r.hour) {
    // A re-check's batch: its hour's record and file, not the export's open ones.
    const record = batch ? { ...recordBatch(r.record, batch), exported: (r.record.exported ?? 0) + intent.events } : r.record;
    return advanceCheckpoint(dropIntent({ ...c, recheck: { ...r, file: intent.file, record } }), intent.next);
  }
  const recorded = batch ? { ...c, openHour: recordBatch(c.openHour, batch) } : c;
  return { ...advanceCheckpoint(dropIntent(recorded), intent.next), file: intent.file };
}

/** The state once the first due manifest is in the lake: it leaves the queue and becomes the chain's head. */
export function manifestWritten(c: Checkpoint, path: string): Checkpoint {
  const [first, ...rest] = c.pendingManifests ?? [];
  if (!first) return c;
  const { pendingManifests: _written, ...others } = c;
  const chain: Chain = { head: manifestHash(first), path, writtenAt: first.writtenAt, manifests: (c.chain?.manifests ?? 0) + 1 };
  return { ...others, chain, ...(rest.length ? { pendingManifests: rest } : {}) };
}

/** The state with an intent dropped because its bytes are not in the lake (they will be fetched and written again). */
export function dropIntent(c: Checkpoint): Checkpoint {
  const { intent: _dropped, ...rest } = c;
  return rest;
}
