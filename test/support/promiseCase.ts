// The exporter's promise as a property (issue 22, item 13): a generated hostile audit API, several runs of the whole
// pipeline on the in-memory pair (some crashed, the lake path perhaps emptied between two), and a check of what the
// last run promised against what the lake holds. Cases are plain data, so that a shrunk counter-example prints as a
// literal that a regression test can hold.
import fc from 'fast-check';
import { FaultInjector, SimulatedCrash } from '../../src/adapters/memory/faults';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { MemoryCheckpointBlob } from '../../src/adapters/memory/memoryCheckpointBlob';
import { MemoryCheckpointStore } from '../../src/adapters/memory/memoryCheckpointStore';
import { MemoryIdLedger } from '../../src/adapters/memory/memoryIdLedger';
import { MemoryLake } from '../../src/adapters/memory/memoryLake';
import { failureExitCode, runExitCode } from '../../src/cli/exitCodes';
import { loadSettings } from '../../src/config/settings';
import { ensureError, errorCode } from '../../src/errors';
import { exportUnderLease } from '../../src/lease/exportUnderLease';
import type { Logger } from '../../src/ports/logger';
import { recordRun } from '../../src/status/recordRun';
import type { StatusRecord } from '../../src/status/statusRecord';
import type { StatusStore } from '../../src/status/statusStore';
import { readStatus, type StatusView } from '../../src/status/statusView';
import type { RunSummary } from '../../src/windows/runSummary';
import { seededRandom } from '../../dev/seededRandom';
import { HostileSource, escapedSpelling, type Hostility, type StoredEvent } from './hostileSource';
import { VALID_SETTINGS } from './validSettings';

/** Each hostile behaviour the generator can switch on; a case uses only those of its flags. */
export const BEHAVIOURS = [
  /** The API answers fewer events than asked for (a page cap). */
  'pageCap',
  /** `count` is the truth plus or minus k. */
  'countOff',
  /** `count` is min(truth, cap), as Elasticsearch's `track_total_hits` default. */
  'countCapped',
  /** Ids spelled with random JSON escapes (`\/`, `\u00XX`), anew in each answer: the same id by value. */
  'escapedIds',
  /** One id at two instants (a re-stamped event); the second version may become visible only later. */
  'restamped',
  /** An instant with more events than a page, in another order on every request. */
  'crowdedReordered',
  /** Pages cut from an order not by time, each sorted: order broken across pages. */
  'brokenOrder',
  /** Events visible only some time after their own (late), found by a later run's re-check. */
  'late',
  /** Events inserted while the exporter pages: visible from the API's nth request on, mid-run. */
  'inserted',
  /** Events that cannot be placed: a leap second, a numeric id, a time without a zone, no time. */
  'unreadable',
  /** The lake path emptied between two runs. */
  'lakeEmptied',
  /** A run SIGKILLed before or just after its nth storage operation, then a clean run. */
  'crash',
  /** The older hostilities the crash suite covers: either bound exclusive or inclusive, duplicated ids, no count. */
  'classic',
] as const;
export type Behaviour = (typeof BEHAVIOURS)[number];

type UnreadableKind = 'leapSecond' | 'numericId' | 'noZone' | 'noTime';

export interface PromiseCase {
  /** Seeds the API's own randomness (tie orders, escapes). */
  seed: number;
  /** The events' minutes after T0 (three hours of events); event i has id `t/<i>` and lands i % 3 ms into its minute (ties). */
  minutes: number[];
  pageSize: number;
  batchMaxBytes: number;
  fileMaxBytes: number;
  /** Minutes after T0 of the scheduled runs, in order; a last clean run follows once every event is visible. */
  runsAt: number[];
  pageCap?: number;
  countOff?: number;
  countCap?: number;
  escapedIds?: boolean;
  /** Event `index` stored again, same id, `shiftMinutes` away; visible `visibleAfterMinutes` after its time. */
  restamped?: Array<{ index: number; shiftMinutes: number; visibleAfterMinutes: number }>;
  /** `size` events (ids `crowd/<k>`) at one instant, minute `minute` plus 7 ms; ties reordered on every request. */
  crowd?: { minute: number; size: number };
  brokenOrder?: boolean;
  /** Event `index` becomes visible `delayMinutes` after its time. */
  late?: Array<{ index: number; delayMinutes: number }>;
  /** Event `index` becomes visible with the API's request `fromRequest` (counted over every run). */
  inserted?: Array<{ index: number; fromRequest: number }>;
  /** Events the exporter cannot place (ids `bad/<k>`), at `minute` plus 11 ms. */
  unreadable?: Array<{ kind: UnreadableKind; minute: number }>;
  /** The lake path is emptied before this scheduled run (1-based; the runs before it wrote to it). */
  emptyLakeBefore?: number;
  /** Scheduled run `run` (0-based, modulo their number) is killed before (or just after) its `at`th storage operation. */
  crash?: { run: number; at: number; after: boolean };
  classic?: { minInclusive: boolean; maxInclusive: boolean; duplicated: number[]; noCount: boolean };
}

const T0 = Date.parse('2026-06-01T00:00:00Z');
const MIN = 60_000;
const SPAN_MINUTES = 180;
const LAG_SECONDS = 300;
const ROOT = 'audit';
const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Generated cases with the behaviours in `on`, the others left out. */
export function promiseCases(on: ReadonlySet<Behaviour>): fc.Arbitrary<PromiseCase> {
  // An enabled behaviour is in most cases, and shrinking can drop it: a counter-example keeps only those that matter.
  const when = <T>(flag: Behaviour, arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => (on.has(flag) ? fc.option(arb, { nil: undefined, freq: 4 }) : fc.constant(undefined));
  // Some minutes at and beside hour edges, so that events tie and sit on a window's bounds.
  const minute = fc.oneof({ arbitrary: fc.integer({ min: 0, max: SPAN_MINUTES - 1 }), weight: 3 }, { arbitrary: fc.constantFrom(0, 1, 59, 60, 119, 120, 179), weight: 1 });
  return fc
    .record({
      seed: fc.integer({ min: 1, max: 1_000_000 }),
      minutes: fc.array(minute, { maxLength: 60, size: 'max' }),
      pageSize: fc.integer({ min: 2, max: 12 }),
      batchMaxBytes: fc.integer({ min: 200, max: 2000 }),
      fileMaxBytes: fc.integer({ min: 500, max: 8000 }),
      runsAt: fc.array(fc.integer({ min: 20, max: 420 }), { minLength: 1, maxLength: 3 }).map((a) => [...a].sort((x, y) => x - y)),
      pageCap: when('pageCap', fc.integer({ min: 1, max: 11 })),
      countOff: when('countOff', fc.integer({ min: -5, max: 5 }).filter((k) => k !== 0)),
      escapedIds: when('escapedIds', fc.constant(true)),
      restamped: when(
        'restamped',
        fc.array(fc.record({ index: fc.nat(59), shiftMinutes: fc.integer({ min: -120, max: 120 }).filter((s) => s !== 0), visibleAfterMinutes: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 3 }),
      ),
      crowd: when('crowdedReordered', fc.record({ minute, size: fc.integer({ min: 3, max: 30 }) })),
      brokenOrder: when('brokenOrder', fc.constant(true)),
      late: when(
        'late',
        fc.array(fc.record({ index: fc.nat(59), delayMinutes: fc.integer({ min: 0, max: 300 }) }), { minLength: 1, maxLength: 5 }),
      ),
      inserted: when('inserted', fc.array(fc.record({ index: fc.nat(59), fromRequest: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 5 })),
      unreadable: when(
        'unreadable',
        fc.array(fc.record({ kind: fc.constantFrom<UnreadableKind>('leapSecond', 'numericId', 'noZone', 'noTime'), minute }), { minLength: 1, maxLength: 3 }),
      ),
      emptyLakeBefore: when('lakeEmptied', fc.integer({ min: 1, max: 3 })),
      crash: when('crash', fc.record({ run: fc.nat(2), at: fc.integer({ min: 1, max: 60 }), after: fc.boolean() })),
      classic: when(
        'classic',
        fc.record({ minInclusive: fc.boolean(), maxInclusive: fc.boolean(), duplicated: fc.array(fc.nat(59), { maxLength: 3 }), noCount: fc.boolean() }),
      ),
      countCap: when('countCapped', fc.integer({ min: 1, max: 30 })),
    })
    .map((c) => {
      const out: PromiseCase = { ...c };
      // Without a count nothing can tell that an event turned up behind the paging (README: such hours are
      // `windowsUnverified` and their late events are not found), so no count goes only with APIs that page truly.
      const behindPaging = c.late || c.inserted || c.restamped || c.crowd;
      // Order broken across pages is only seen by a count, too.
      if (out.classic && (behindPaging || c.brokenOrder || c.countOff !== undefined || c.countCap !== undefined)) out.classic = { ...out.classic, noCount: false };
      // A count below the truth hides the same (it can even equal what was exported, a gap and all): such a count
      // goes only with APIs that page truly (in time order across pages too), and one that counts too many with any.
      if (behindPaging || c.brokenOrder) {
        delete out.countCap;
        if (out.countOff !== undefined) out.countOff = Math.abs(out.countOff);
      }
      for (const key of Object.keys(out) as Array<keyof PromiseCase>) if (out[key] === undefined) delete out[key];
      return out;
    });
}

interface StoredFact {
  event: StoredEvent;
  /** The bytes the API serves for it, for an event that cannot be placed (it must reach `_quarantine/` as they are). */
  unreadable?: string;
  visibleAt: number;
  fromRequest: number;
}

/** The API's events, and when each becomes visible. */
function factsOf(c: PromiseCase): StoredFact[] {
  const facts: StoredFact[] = c.minutes.map((m, i) => ({ event: { id: `t/${i}`, t: T0 + m * MIN + (i % 3) }, visibleAt: 0, fromRequest: 0 }));
  for (const l of c.late ?? []) {
    const f = facts[l.index];
    if (f) f.visibleAt = f.event.t + l.delayMinutes * MIN;
  }
  for (const i of c.inserted ?? []) {
    const f = facts[i.index];
    if (f) f.fromRequest = i.fromRequest;
  }
  for (const r of c.restamped ?? []) {
    const f = facts[r.index];
    if (!f) continue;
    const t = Math.min(Math.max(f.event.t + r.shiftMinutes * MIN, T0), T0 + SPAN_MINUTES * MIN - 1);
    if (t !== f.event.t) facts.push({ event: { id: f.event.id, t }, visibleAt: t + r.visibleAfterMinutes * MIN, fromRequest: 0 });
  }
  if (c.crowd) {
    for (let k = 0; k < c.crowd.size; k++) facts.push({ event: { id: `crowd/${k}`, t: T0 + c.crowd.minute * MIN + 7 }, visibleAt: 0, fromRequest: 0 });
  }
  (c.unreadable ?? []).forEach((u, k) => {
    const t = T0 + u.minute * MIN + 11;
    const id = `bad/${k}`;
    const iso = new Date(t).toISOString();
    const raw = {
      leapSecond: `{"id":${JSON.stringify(id)},"eventTimestamp":"${iso.slice(0, 17)}60Z","action":"QUERY"}`,
      numericId: `{"id":${4000 + k},"eventTimestamp":"${iso}","action":"QUERY"}`,
      noZone: `{"id":${JSON.stringify(id)},"eventTimestamp":"${iso.slice(0, -1)}","action":"QUERY"}`,
      noTime: `{"id":${JSON.stringify(id)},"action":"QUERY"}`,
    }[u.kind];
    facts.push({ event: { id, t, raw }, unreadable: raw, visibleAt: 0, fromRequest: 0 });
  });
  return facts;
}

class MemoryStatusStore implements StatusStore {
  record: StatusRecord | undefined;
  async load(): Promise<StatusRecord | undefined> {
    return this.record && structuredClone(this.record);
  }
  async save(record: StatusRecord): Promise<void> {
    this.record = structuredClone(record);
  }
}

/** How a run ended, as the CLI would exit for it. */
interface RunEnd {
  at: string;
  status: RunSummary['status'] | 'failed' | 'crashed';
  exit: number | undefined;
  failure?: string;
  summary?: RunSummary;
}

export interface CaseOutcome {
  case: PromiseCase;
  runs: RunEnd[];
  last: RunEnd;
  view: StatusView;
  lake: MemoryLake;
  facts: StoredFact[];
  /** Events visible when the last run began: each must be in the lake once (or in quarantine). */
  due: StoredFact[];
  /** now − lag of the last run. */
  until: number;
}

/** Runs a case: its scheduled runs, a clean run after each crash, and a last run once every event is visible. */
export async function runCase(c: PromiseCase): Promise<CaseOutcome> {
  const facts = factsOf(c);
  const events = facts.map((f) => f.event);
  const clock = new ManualClock(new Date(T0));
  const blob = new MemoryCheckpointBlob(clock);
  const lake = new MemoryLake();
  const ledger = new MemoryIdLedger();
  const status = new MemoryStatusStore();
  const visibility = new Map(facts.map((f) => [f.event, f]));
  const classic = c.classic;
  const hostility: Hostility = {
    now: () => clock.now().getTime(),
    visibleAt: (e) => {
      const f = visibility.get(e)!;
      return source.requests >= f.fromRequest ? f.visibleAt : Infinity;
    },
    ...(c.pageCap !== undefined ? { pageCap: c.pageCap } : {}),
    ...(c.countOff !== undefined || c.countCap !== undefined
      ? { count: (truth: number) => Math.max(0, Math.min(truth + (c.countOff ?? 0), c.countCap ?? Infinity)) }
      : {}),
    ...(c.escapedIds ? { spellId: escapedSpelling } : {}),
    ...(c.crowd ? { unstableTies: true } : {}),
    ...(c.brokenOrder ? { sortedWithinPagesOnly: true } : {}),
    ...(classic
      ? { minInclusive: classic.minInclusive, maxInclusive: classic.maxInclusive, noCount: classic.noCount, duplicated: new Set(classic.duplicated.map((i) => `t/${i}`)) }
      : {}),
  };
  const source: HostileSource = new HostileSource(events, hostility, seededRandom(c.seed));
  const options = {
    root: ROOT, configId: 'prop', pageSize: c.pageSize, lagSeconds: LAG_SECONDS, exportStart: new Date(T0), fileMaxBytes: c.fileMaxBytes,
    batchMaxBytes: c.batchMaxBytes, timeBudgetMs: 3600_000, recheckHours: 24,
  };
  const settings = loadSettings({ ...VALID_SETTINGS, ADLS_PATH: ROOT });

  const runs: RunEnd[] = [];
  const once = async (crash?: PromiseCase['crash']): Promise<RunEnd> => {
    const faults = new FaultInjector();
    if (crash) faults.failNext(crash.at, { type: 'crash', after: crash.after });
    const startedAt = clock.now().toISOString();
    const record = { id: `run-${runs.length + 1}`, startedAt, warnings: [], sasWarnings: [] };
    const deps = {
      source, lake: lake.connect({ faults }), store: new MemoryCheckpointStore({ clock, blob, faults }), ledger: ledger.connect({ faults }), clock, logger: quiet,
    };
    let end: RunEnd;
    try {
      const summary = await exportUnderLease(deps, { ...options, abortSignal: new AbortController().signal });
      // As runWithAzure: every outcome but a skipped run is kept for `status`.
      if (summary.status !== 'skipped') await recordRun(status, { ...record, outcome: summary, warnings: summary.warnings ?? [] }, clock, quiet);
      end = { at: startedAt, status: summary.status, exit: runExitCode(summary), summary };
    } catch (error) {
      if (error instanceof SimulatedCrash) {
        end = { at: startedAt, status: 'crashed', exit: undefined, failure: error.message };
      } else {
        const e = ensureError(error);
        await recordRun(status, { ...record, outcome: { reason: e.message, code: errorCode(error) } }, clock, quiet);
        end = { at: startedAt, status: 'failed', exit: failureExitCode(error), failure: `${errorCode(error) ?? e.name}: ${e.message}` };
      }
    }
    runs.push(end);
    return end;
  };
  const runAt = async (minute: number, crash?: PromiseCase['crash']): Promise<RunEnd> => {
    const target = T0 + minute * MIN;
    if (target > clock.now().getTime()) await clock.advance(target - clock.now().getTime());
    let end = await once(crash);
    // A killed run's lease expires before the next run takes it; a run that stopped short is followed by another.
    for (let again = 0; again < 4 && (end.status === 'crashed' || end.status === 'time-budget' || end.status === 'window-limit' || end.status === 'skipped'); again++) {
      await clock.advance(61_000);
      end = await once();
    }
    return end;
  };

  for (let k = 0; k < c.runsAt.length; k++) {
    if (c.emptyLakeBefore === k) for (const path of lake.paths()) if (path.startsWith(`${ROOT}/`)) lake.delete(path);
    await runAt(c.runsAt[k]!, c.crash && c.crash.run % c.runsAt.length === k ? c.crash : undefined);
  }
  // The last run: every event visible by the clock, every window closed; inserts counted in requests may still wait.
  const visibleBy = Math.max(...facts.map((f) => f.visibleAt), 0);
  const lastAt = Math.max(c.runsAt.at(-1)! + 5, SPAN_MINUTES + LAG_SECONDS / 60 + 5, Math.ceil((visibleBy - T0) / MIN) + 1);
  await clock.advance(Math.max(0, T0 + lastAt * MIN - clock.now().getTime()));
  const requestsBefore = source.requests;
  const now = clock.now().getTime();
  const due = facts.filter((f) => f.visibleAt <= now && requestsBefore >= f.fromRequest);
  const last = await runAt(lastAt);
  const view = await readStatus(
    { settings, clock, status, checkpoints: () => new MemoryCheckpointStore({ clock, blob }) },
    { abortSignal: new AbortController().signal },
  );
  return { case: c, runs, last, view, lake, facts, due, until: clock.now().getTime() - LAG_SECONDS * 1000 };
}

const hourOf = (t: number) => new Date(t - (t % 3600_000)).toISOString();
const keyOf = (id: string, t: number) => `${id}\u0000${t}`;

/**
 * The promise, checked: the lake holds every event due exactly once (by id value and time) and every unreadable one
 * in `_quarantine/`, byte for byte; or the last run ended non-zero or not `caught-up`, and `status` names every hour
 * that differs, with numbers (an hour past the checkpoint's watermark is named by the watermark itself). Never
 * `caught-up` with exit 0 otherwise. Returns what breaks it, empty when it holds.
 */
export function checkPromise(o: CaseOutcome): string[] {
  return [...checkLake(o), ...checkProgress(o)];
}

/**
 * Beyond the lake: the export does not stop for good where nothing calls for it. A run that fails on every try loses
 * nothing silently, but it is the dead stop issue 22 removes (one unreadable event, a re-check before its batch);
 * only an API that breaks time order across pages (refused, item 10) or an emptied lake path (item 8) may stop it.
 */
function checkProgress(o: CaseOutcome): string[] {
  const c = o.case;
  if (o.last.status !== 'failed' || c.brokenOrder || c.emptyLakeBefore !== undefined) return [];
  return [`the export stopped for good: the last run failed (exit ${o.last.exit}: ${o.last.failure}), though this API serves pages in time order and the lake kept its files`];
}

/** The lake against the last run's exit code and `status` (see checkPromise). */
function checkLake(o: CaseOutcome): string[] {
  const seen = new Map<string, number>();
  const foreign: string[] = [];
  let quarantined = '';
  for (const path of o.lake.paths()) {
    if (!path.startsWith(`${ROOT}/`)) continue;
    const text = o.lake.read(path)!.toString('utf8');
    const top = path.slice(ROOT.length + 1).split('/')[0]!;
    if (top === '_quarantine') quarantined += `${text}\n`;
    if (top.startsWith('_')) continue;
    for (const line of text.split('\n').slice(0, -1)) {
      const key = lineKey(line);
      if (key === undefined) foreign.push(`${path} holds a line that is not a readable event: ${line}`);
      else seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  }
  // What differs, per hour of the event's time.
  const differs = new Map<string, { missing: number; doubled: number; notQuarantined: number; late: boolean }>();
  const note = (t: number, what: 'missing' | 'doubled' | 'notQuarantined', n = 1) => {
    const hour = hourOf(t);
    const d = differs.get(hour) ?? { missing: 0, doubled: 0, notQuarantined: 0, late: true };
    d[what] += n;
    // Missing past the watermark is what a run that stopped says by its watermark; a double never is.
    if (what === 'doubled' || t < Date.parse(o.view.watermark ?? '')) d.late = false;
    differs.set(hour, d);
  };
  const known = new Map(o.facts.filter((f) => !f.unreadable).map((f) => [keyOf(f.event.id, f.event.t), f]));
  for (const f of o.due) {
    if (f.event.t >= o.until) continue;
    if (f.unreadable !== undefined) {
      if (!quarantined.includes(f.unreadable)) note(f.event.t, 'notQuarantined');
      continue;
    }
    if (!seen.has(keyOf(f.event.id, f.event.t))) note(f.event.t, 'missing');
  }
  for (const [key, n] of seen) {
    const f = known.get(key);
    if (!f) foreign.push(`the lake holds an event the API never served: ${JSON.stringify(key.replace('\u0000', ' at '))}`);
    else if (n > 1) note(f.event.t, 'doubled', n - 1);
  }
  const problems = foreign;
  if (differs.size === 0 && problems.length === 0) return [];
  const { last } = o;
  const describe = (hour: string, d: { missing: number; doubled: number; notQuarantined: number }) =>
    `${hour}: missing ${d.missing}, doubled ${d.doubled}, unreadable not in _quarantine/ ${d.notQuarantined}`;
  if (last.status === 'caught-up' && last.exit === 0) {
    for (const [hour, d] of differs) problems.push(`caught-up with exit 0, but ${describe(hour, d)}`);
    return problems;
  }
  const named = hoursNamed(o.view);
  for (const [hour, d] of differs) {
    if (d.late || named.has(hour)) continue;
    problems.push(`${last.status} (exit ${last.exit}), status does not name ${describe(hour, d)}`);
  }
  return problems;
}

/** An NDJSON line's event as id value and time, or undefined if it is not one the API could have served readably. */
function lineKey(line: string): string | undefined {
  try {
    const e = JSON.parse(line) as { id?: unknown; eventTimestamp?: unknown };
    if (typeof e.id !== 'string' || typeof e.eventTimestamp !== 'string') return undefined;
    const t = Date.parse(e.eventTimestamp);
    return Number.isNaN(t) ? undefined : keyOf(e.id, t);
  } catch {
    return undefined;
  }
}

const HOUR_NAME = /(\d{4})-(\d\d)-(\d\d)T(\d\d):00(?::00(?:\.000)?)?Z|year=(\d{4})\/month=(\d\d)\/day=(\d\d)\/hour=(\d\d)/g;
/** Fields of the view that hold the times of runs and writes, not hours of events. */
const NOT_EVENT_HOURS = new Set(['watermark', 'manifests', 'connectionCheckedAt', 'nextRunAt', 'startedAt', 'endedAt', 'noticedAt', 'checkedAt', 'countedAt', 'writtenAt', 'acknowledgedAt']);

/**
 * The hours `status` names with numbers: an object that holds an hour and a positive number ({ hour, missing: 3 }),
 * or a message that names the hour (a failed run's reason). Field names are not relied on: other fixes add fields.
 */
function hoursNamed(view: StatusView): Set<string> {
  const named = new Set<string>();
  const hoursIn = (text: string): string[] =>
    [...text.matchAll(HOUR_NAME)].map((m) => (m[1] ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:00:00.000Z` : `${m[5]}-${m[6]}-${m[7]}T${m[8]}:00:00.000Z`));
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(walk);
    if (typeof value !== 'object' || value === null) return;
    const fields = Object.entries(value).filter(([k]) => !NOT_EVENT_HOURS.has(k));
    const hasNumber = fields.some(([, v]) => typeof v === 'number' && v > 0);
    for (const [, v] of fields) {
      if (typeof v !== 'string') walk(v);
      else if (hasNumber || v.length > 40) for (const hour of hoursIn(v)) named.add(hour);
    }
  };
  walk(view);
  // A lake path found emptied stops every run until a reset and says what the lake held from `from` on: every hour
  // since is named, those the checkpoint knew no events of too (a late or re-stamped one may yet be among them).
  const reset = view.lakeReset;
  if (reset?.from) for (let t = Date.parse(reset.from); t <= Date.parse(reset.to ?? reset.from); t += 3600_000) named.add(new Date(t - (t % 3600_000)).toISOString());
  return named;
}
