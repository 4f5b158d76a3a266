import { createHash, type Hash } from 'node:crypto';
import { advanceCheckpoint, applyIntent, type Checkpoint, type Intent, type Next, type Quarantined } from '../checkpoint/checkpoint';
import { intentOf, planBatch, type BatchLimits, type BatchStart } from './planBatch';
import type { PartPool } from './partPool';
import { linkedSignal, type LinkedSignal } from '../abort/linkedSignal';
import type { CheckpointStore, StoredCheckpoint } from '../ports/checkpointStore';
import type { Clock } from '../ports/clock';
import type { AuditPage } from '../ndjson/auditPage';
import type { IdLedger } from '../ports/idLedger';
import type { LakeWriter } from '../ports/lakeWriter';
import { IdDigests } from './idDigests';
import { hourOf, type Window } from '../time/window';
import { commitBatch, prepareFile, writeDueManifests, writeQuarantineFile, type DeliverDeps } from '../delivery/deliver';
import { QUARANTINE_MAX_PER_HOUR, QUARANTINE_WRITES_AT_ONCE } from '../config/defaults';
import { ExportError, hasCode } from '../errors';
import { fileNameOf, partOf, quarantineName, quarantinePath } from '../lake/layout';
import { sha256Hex } from '../manifest/manifest';
import { IdWatch } from './idWatch';
import { segmentName } from '../ports/idLedger';
import type { HourRecord } from '../manifest/hourRecord';

export interface BatchWriterDeps {
  store: CheckpointStore;
  lake: LakeWriter;
  parts: PartPool;
  /** Where each batch's ids are kept for re-checks of its hour; none when re-checks are off. */
  ledger?: IdLedger;
  abortSignal: AbortSignal;
  /** Times each batch, for onDelivered. */
  clock: Clock;
  /** Called once a batch is in the lake (flushed), in order. */
  onDelivered?: (delivered: Delivered) => void;
}

/** What `quarantine` wrote (or found written by an earlier try: the same bytes). */
export interface QuarantineWrite {
  hour: string;
  path: string;
}

interface Delivered {
  intent: Intent;
  window: Window;
  /** The batch's first event: its number among the window's events. */
  ordinal: number;
  /** From the batch's first line to its flush. */
  ms: number;
}

interface OpenBatch {
  start: BatchStart;
  ordinal: number;
  began: number;
  /** Bytes taken so far, and how many of them are handed to appends. */
  bytes: number;
  /** Bytes per append: a part's share of the batch, or whole parts for one event larger than a batch. */
  cut: number;
  shipped: number;
  events: number;
  /** The batch's bytes hashed as they are taken, and its first and last event's id, for the hour's manifest. */
  hash: Hash;
  firstId: string;
  lastId: string;
  firstAt: number;
  lastAt: number;
  /** Settles once the file is ready for this batch's appends (after the batch before it is flushed). */
  ready: Promise<void>;
  appends: Array<Promise<void>>;
}

type Step = (stored: StoredCheckpoint) => Promise<StoredCheckpoint>;

function quarantineFull(hour: string, reason: string): ExportError {
  return new ExportError(
    'QuarantineFull',
    `more than ${QUARANTINE_MAX_PER_HOUR} events of hour ${hour} cannot be placed (the latest: ${reason}): that is no bad event but an audit API this exporter does not read; check AUDIT_API_KIND and the API's event format (see ADLS_PATH/_quarantine), then run again`,
    { kind: 'permanent' },
  );
}

/** Ids written at two instants in one hour (or in it and the hour before): both versions are in the lake. */
export interface IdAtTwoTimes {
  /** The hour the second version was written in. */
  hour: string;
  events: number;
  /** The first IDS_LISTED of them (JSON-unescaped). */
  ids: string[];
}

/** Ids listed per hour (its count stays exact beyond them), and hours listed (later ones are left out) in a run's report. */
const IDS_LISTED = 20;
const HOURS_LISTED = 100;

/** A page's lines and its events' id tokens (as AuditPage has them). */
export type Lines = Pick<AuditPage, 'ndjson' | 'lineEnds' | 'idStarts' | 'idEnds' | 'eventTimes'>;

/** Event i's id as text (its JSON token unescaped), for the manifest. */
function idText(page: Lines, i: number): string {
  const token = page.ndjson.toString('utf8', page.idStarts[i]!, page.idEnds[i]!);
  return JSON.parse(token) as string;
}

/**
 * Streams batches into the lake. Lines are copied into parts of a fixed size, and each full part is appended
 * at its position while the next one fills, a few in flight. When a batch ends, once all its appends are
 * acknowledged, its intent is saved and the file flushed at its end (the fence): staged bytes are invisible
 * until then, so the checkpoint never moves past bytes that are not durably in the lake.
 *
 * Steps that touch the checkpoint or the fence (ready a file, commit a batch) run one at a time, in order; a
 * batch's appends start only after the batch before it is flushed, since a flush drops bytes staged beyond it.
 * After a failure nothing more is started; settled() throws it.
 */
export class BatchWriter {
  readonly #deps: BatchWriterDeps;
  readonly #limits: BatchLimits;
  readonly #signal: LinkedSignal;
  /** What the file and commit steps use: the writer's own signal, so a failure stops them too. */
  readonly #deliver: DeliverDeps;
  /** The checkpoint as it will be once every batch handed over so far is in: where the next batch starts. */
  #planned: Checkpoint;
  #stored: StoredCheckpoint;
  #tail: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;
  #batch: OpenBatch | undefined;
  #part: { buffer: Buffer; used: number } | undefined;
  /** The first write of a run into a file it did not create flushes at its committed length first. */
  #fenced = false;
  /** Whether the export has moved since the checkpoint it started from. */
  #moved = false;
  /** The open batch's id digests (one batch is open at a time), for the ledger; none when re-checks are off. */
  readonly #ids: IdDigests | undefined;
  /** Quarantine files written since the last move: the next move lists them, once they are all in the lake. */
  #quarantined: Quarantined[] = [];
  #quarantining: Array<Promise<void>> = [];
  /** Quarantine writes in flight, at most QUARANTINE_WRITES_AT_ONCE. */
  readonly #inFlight = new Set<Promise<void>>();
  /** The ids written in the hour and the one before, to notice one at two instants; with the ledger only. */
  readonly #watch: IdWatch | undefined;
  readonly #twice: IdAtTwoTimes[] = [];
  /** A batch is cut into as many appends as the pool has parts, so they travel together (whole parts at most). */
  readonly #cut: number;

  constructor(stored: StoredCheckpoint, limits: BatchLimits, deps: BatchWriterDeps) {
    this.#stored = stored;
    this.#planned = stored.checkpoint;
    this.#limits = limits;
    this.#deps = deps;
    this.#signal = linkedSignal(deps.abortSignal);
    this.#deliver = { store: deps.store, lake: deps.lake, ...(deps.ledger ? { ledger: deps.ledger } : {}), abortSignal: this.#signal.signal };
    this.#ids = deps.ledger ? new IdDigests() : undefined;
    this.#watch = deps.ledger ? new IdWatch() : undefined;
    this.#cut = Math.min(deps.parts.bytes, Math.ceil(limits.batchMaxBytes / deps.parts.count));
    // A run that died between saving a manifest as due and writing it left it to this one.
    if (stored.checkpoint.pendingManifests?.length) this.#writeManifests();
  }

  /** Whether something failed (the caller can stop fetching; settled() throws the error). */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  /**
   * Takes whole lines of a page, lines `first` up to `end` (lineEnds as the scanner gives them), as many as fit the
   * open batch, opening one for `window` if none is (an empty batch takes at least one line; `ordinal` is that
   * line's number among the window's events, for the log). Returns how many it took: fewer than offered means the
   * batch is full and the caller moves on (moveTo) before adding more.
   */
  async add(window: Window, ordinal: number, page: Lines, first: number, end: number): Promise<number> {
    const { ndjson, lineEnds } = page;
    const from = first === 0 ? 0 : lineEnds[first - 1]!;
    const batch = this.#batch ?? this.#begin(window, ordinal, lineEnds[first]! - from);
    let last = first;
    while (last < end && (lineEnds[last]! - from <= batch.start.limit - batch.bytes || (batch.events === 0 && last === first))) last++;
    if (last === first) return 0;
    if (batch.events === 0) {
      batch.firstId = idText(page, first);
      batch.firstAt = page.eventTimes[first]!;
    }
    batch.lastId = idText(page, last - 1);
    batch.lastAt = page.eventTimes[last - 1]!;
    if (this.#ids) {
      const hour = batch.start.file.hour;
      if (this.#watch!.hour !== hour) await this.#watchHour(hour);
      for (let i = first; i < last; i++) {
        const at = this.#ids.add(page.ndjson, page.idStarts[i]!, page.idEnds[i]!);
        if (this.#watch!.written(this.#ids.lanes, at)) this.#writtenTwice(hour, idText(page, i));
      }
    }
    await this.#write(batch, ndjson.subarray(from, lineEnds[last - 1]!));
    batch.events += last - first;
    return last - first;
  }

  /** Ids this writer wrote at two instants (an event re-stamped by the API), per hour, in order. */
  get idAtTwoTimes(): readonly IdAtTwoTimes[] {
    return this.#twice;
  }

  /**
   * Keeps event `i` of a page, which cannot be placed, in a quarantine file of the hour of `window` (the file's name
   * is the sha256 of the event's value, its line parsed and written compactly again, so the same event served again,
   * in another spelling too, is the same file, listed once). The write starts now,
   * a few at a time; the next move lists the file, and is saved only once the file is in the lake, so the checkpoint
   * never passes an event that is neither in a part file nor in quarantine. Returns the file, or undefined when the
   * hour already lists it (or the hour before, for an event served again across a window's start).
   */
  async quarantine(window: Window, page: Lines, i: number, reason: string): Promise<QuarantineWrite | undefined> {
    if (this.failed) throw this.#failure!.error;
    const line = Buffer.from(page.ndjson.subarray(i === 0 ? 0 : page.lineEnds[i - 1]!, page.lineEnds[i]!)); // the page's memory is reused
    const sha256 = sha256Hex(line);
    const hour = hourOf(window.start).toISOString();
    const path = quarantinePath(this.#limits.root, window.start, quarantineName(line) ?? sha256); // a line the scanner took is JSON
    if (this.#listed(fileNameOf(path))) return undefined;
    if (this.#listedIn(hour) >= QUARANTINE_MAX_PER_HOUR) throw quarantineFull(hour, reason);
    while (this.#inFlight.size >= QUARANTINE_WRITES_AT_ONCE) await Promise.race(this.#inFlight);
    if (this.failed) throw this.#failure!.error;
    const write = writeQuarantineFile(this.#deps.lake, path, line, { abortSignal: this.#signal.signal });
    const tracked = write.finally(() => this.#inFlight.delete(tracked));
    this.#inFlight.add(tracked);
    tracked.catch((error: unknown) => this.#fail(error));
    this.#quarantining.push(tracked);
    this.#quarantined.push({ hour, path, bytes: line.length, events: 1, sha256, reason, window: window.start.toISOString() });
    return { hour, path };
  }

  /** Quarantined events of `window` listed so far (the window's count check counts them as exported). */
  quarantinedIn(window: Window): number {
    const key = window.start.toISOString();
    const listed = [...(this.#planned.openHour?.quarantine ?? []), ...this.#quarantined];
    return listed.reduce((n, q) => n + (q.window === key ? q.events : 0), 0);
  }

  /**
   * Whether this event is in quarantine already (by its file's name): in any hour the checkpoint still lists, the one
   * closed last included. A request asked past a window's end may serve the next window's unplaceable events too, and
   * a re-check reads an hour again: an event without a time has no hour of its own, so it is kept where first met.
   */
  #listed(name: string): boolean {
    const c = this.#planned;
    const lists = [this.#quarantined, c.openHour?.quarantine, c.recheck?.record.quarantine, ...(c.pendingManifests ?? []).map((m) => m.quarantine), ...(c.recent ?? []).map((r) => r.record.quarantine)];
    return lists.some((list) => list?.some((q) => fileNameOf(q.path) === name)) || (c.closedQuarantine?.some((path) => fileNameOf(path) === name) ?? false);
  }

  /** Quarantine files the hour lists so far, those of this move included. */
  #listedIn(hour: string): number {
    const c = this.#planned;
    const record = c.recheck?.hour === hour ? c.recheck.record : c.openHour?.hour === hour ? c.openHour : undefined;
    return (record?.quarantine?.length ?? 0) + this.#quarantined.filter((q) => q.hour === hour).length;
  }

  /** The move with the quarantine files written since the last, and those writes (awaited before it is saved). */
  #withQuarantined(next: Next): { next: Next; writes: Array<Promise<void>> } {
    if (this.#quarantined.length === 0) return { next, writes: [] };
    const moved = { next: { ...next, quarantined: [...(next.quarantined ?? []), ...this.#quarantined] }, writes: this.#quarantining };
    this.#quarantined = [];
    this.#quarantining = [];
    return moved;
  }

  /**
   * Moves the export to `next`: the open batch ends there (its last part is appended, then its intent saved and the
   * file flushed); with no batch open (a window with no more events), the checkpoint just moves.
   */
  moveTo(to: Next): void {
    this.#moved = true;
    const { next, writes } = this.#withQuarantined(to);
    if (this.#batch) this.#end(this.#batch, next, writes);
    else this.#advance(next, writes);
    if (next.hourDone?.closes || (next.recheck && 'done' in next.recheck)) this.#writeManifests();
  }

  /** The checkpoint as it will be once every batch handed over so far is in. */
  get planned(): Checkpoint {
    return this.#planned;
  }

  /**
   * Waits for everything, then saves where the export stands (the last batch's advance rides on no later intent).
   * Returns the saved checkpoint, or throws the first failure.
   */
  async finish(): Promise<StoredCheckpoint> {
    const { checkpoint, etag } = await this.settled();
    if (!this.#moved) return { checkpoint, etag };
    return { checkpoint, etag: await this.#deps.store.save(checkpoint, etag, { abortSignal: this.#deps.abortSignal }) };
  }

  #end(batch: OpenBatch, next: Next, quarantined: Array<Promise<void>>): void {
    this.#batch = undefined;
    if (this.#part && this.#part.used > 0) this.#ship(batch);
    const intent = { ...intentOf(batch.start, batch.bytes, batch.events, next), sha256: batch.hash.digest('hex'), firstId: batch.firstId, lastId: batch.lastId, firstAt: batch.firstAt, lastAt: batch.lastAt };
    // Taken now: the next batch reuses the digests' memory.
    const ids = this.#ids?.sorted();
    this.#ids?.reset();
    this.#planned = applyIntent(this.#planned, intent);
    void this.#queue(async (stored) => {
      await Promise.all([...batch.appends, ...quarantined]);
      const delivered = await commitBatch(stored, intent, this.#deliver, ids);
      this.#deps.onDelivered?.({ intent, window: batch.start.window, ordinal: batch.ordinal, ms: this.#deps.clock.now().getTime() - batch.began });
      return delivered;
    });
  }

  /** The manifests due (an hour closed, or a run died before writing them), once everything before is committed. */
  #writeManifests(): void {
    void this.#queue((stored) => writeDueManifests(stored, this.#limits.root, this.#deliver));
  }

  #advance(next: Next, quarantined: Array<Promise<void>>): void {
    this.#planned = advanceCheckpoint(this.#planned, next);
    void this.#queue(async (stored) => {
      await Promise.all(quarantined);
      return { checkpoint: advanceCheckpoint(stored.checkpoint, next), etag: stored.etag };
    });
  }

  /**
   * Waits until every batch handed over so far is flushed, with its ids in the ledger and the manifests due
   * written: what `planned` lists is then in the lake. Throws the first failure. The writer stays open.
   */
  async committed(): Promise<void> {
    await this.#tail;
    if (this.#failure) throw this.#failure.error;
  }

  /** Stops everything still in flight (the run is failing for another reason); settled() then throws `reason`. */
  abort(reason: unknown): void {
    this.#fail(reason);
  }

  /** Waits for every step so far; the checkpoint they leave (saved up to its last intent), or the first failure. */
  async settled(): Promise<StoredCheckpoint> {
    await this.#tail;
    await Promise.allSettled([...(this.#batch?.appends ?? []), ...this.#inFlight]);
    this.#signal.dispose();
    if (this.#part) {
      this.#deps.parts.give(this.#part.buffer);
      this.#part = undefined;
    }
    if (this.#failure) throw this.#failure.error;
    return this.#stored;
  }

  #begin(window: Window, ordinal: number, firstLineBytes: number): OpenBatch {
    const start = planBatch(this.#planned, window, firstLineBytes, this.#limits);
    const fence = !this.#fenced;
    this.#fenced = true;
    const ready = this.#queue(async (stored) => {
      await prepareFile(start, fence, this.#deliver);
      return stored;
    });
    // One event larger than the batch is a batch of its own, appended in whole parts: a handful of appends, not
    // thousands of a small batch's share.
    const cut = firstLineBytes > start.limit ? this.#deps.parts.bytes : this.#cut;
    const batch: OpenBatch = { start, ordinal, began: this.#deps.clock.now().getTime(), bytes: 0, cut, shipped: 0, events: 0, hash: createHash('sha256'), firstId: '', lastId: '', firstAt: NaN, lastAt: NaN, ready, appends: [] };
    this.#batch = batch;
    return batch;
  }

  /**
   * Watches `hour` from now on. What earlier runs (or this one, before a re-check of the hour) wrote in it and in the
   * hour before is taken from the ledger, once every batch before is committed (its segment is written then). A
   * segment that is not there (written while re-checks were off) leaves its ids unwatched.
   */
  async #watchHour(hour: string): Promise<void> {
    const watch = this.#watch!;
    const hadBefore = watch.moveTo(hour);
    const c = this.#planned;
    const recordOf = (h: string): HourRecord | undefined =>
      c.recheck?.hour === h ? c.recheck.record : c.openHour?.hour === h ? c.openHour : c.recent?.find((r) => r.record.hour === h)?.record;
    const before = new Date(Date.parse(hour) - 3600_000).toISOString();
    const wanted: Array<{ record: HourRecord; before: boolean }> = [];
    const own = recordOf(hour);
    if (own?.parts.length) wanted.push({ record: own, before: false });
    const previous = hadBefore ? undefined : recordOf(before);
    if (previous?.parts.length) wanted.push({ record: previous, before: true });
    if (wanted.length === 0) return;
    await this.#tail;
    // Failed meanwhile: that failure is the run's, not what reading the ledger now would give.
    if (this.failed) throw this.#failure!.error;
    for (const { record, before: isBefore } of wanted) {
      for (const part of record.parts) {
        for (const range of part.ranges) {
          if (range.sha256 === '') continue; // written before there were ledgers
          try {
            const [segment] = await this.#deps.ledger!.read(record.hour, [segmentName(partOf(part.path), range.from, range.to)], { abortSignal: this.#signal.signal });
            watch.keep(segment!, isBefore);
          } catch (error) {
            if (!hasCode(error, 'LedgerSegmentMissing')) throw error;
          }
        }
      }
    }
  }

  #writtenTwice(hour: string, id: string): void {
    let entry = this.#twice.at(-1);
    if (entry?.hour !== hour) {
      entry = this.#twice.find((e) => e.hour === hour);
      if (!entry) {
        if (this.#twice.length >= HOURS_LISTED) return;
        entry = { hour, events: 0, ids: [] };
        this.#twice.push(entry);
      }
    }
    entry.events++;
    if (entry.ids.length < IDS_LISTED) entry.ids.push(id);
  }

  /** Copies bytes into parts, `batch.cut` bytes each; each part that fills is appended while the next one fills. */
  async #write(batch: OpenBatch, bytes: Buffer): Promise<void> {
    let at = 0;
    while (at < bytes.length) {
      if (this.failed) throw this.#failure!.error;
      this.#part ??= { buffer: await this.#deps.parts.take(this.#signal.signal), used: 0 };
      const part = this.#part;
      const n = bytes.copy(part.buffer, part.used, at, Math.min(bytes.length, at + batch.cut - part.used));
      batch.hash.update(part.buffer.subarray(part.used, part.used + n));
      part.used += n;
      batch.bytes += n;
      at += n;
      if (part.used === batch.cut) this.#ship(batch);
    }
  }

  /** Appends the filled part at its place in the batch once the file is ready; the part returns to the pool after. */
  #ship(batch: OpenBatch): void {
    const { buffer, used } = this.#part!;
    this.#part = undefined;
    const position = batch.start.from + batch.shipped;
    batch.shipped += used;
    const path = batch.start.file.path;
    const abortSignal = this.#signal.signal;
    const append = batch.ready
      .then(() => this.#deps.lake.append(path, buffer.subarray(0, used), position, { abortSignal }))
      .finally(() => this.#deps.parts.give(buffer));
    append.catch((error: unknown) => this.#fail(error));
    batch.appends.push(append);
  }

  /** Runs `step` after every step queued before it; settles when it has run (rejects if it failed or was skipped). */
  #queue(step: Step): Promise<void> {
    const done = this.#tail.then(async () => {
      if (this.#failure) throw this.#failure.error;
      this.#stored = await step(this.#stored);
    });
    this.#tail = done.catch((error: unknown) => this.#fail(error));
    return done;
  }

  #fail(error: unknown): void {
    if (this.#failure) return;
    this.#failure = { error };
    // Stop what is still in flight: nothing of this batch will be committed now.
    this.#signal.abort(error);
  }
}
