// Fault switches: validation of the configuration, from JSON (PUT /_admin/faults, --faults) or code.
// Each message names the setting and what it takes. faultState.ts holds the live state.
import type { AuditFaults, DateBound, UnreadableKind } from './types';
import { UNREADABLE_KINDS } from './unreadable';

export class InvalidFaults extends Error {}

type Obj = Record<string, unknown>;

function object(value: unknown, path: string, allowed: string[]): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidFaults(`${path} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw new InvalidFaults(`${path}.${key} is not a known setting; known: ${allowed.join(', ')}`);
  }
  return value as Obj;
}

function num(o: Obj, key: string, path: string, opts: { min: number; max?: number; integer?: boolean; optional?: boolean }): number | undefined {
  const v = o[key];
  if (v === undefined && opts.optional) return undefined;
  const ok = typeof v === 'number' && Number.isFinite(v) && v >= opts.min && (opts.max === undefined || v <= opts.max) && (!opts.integer || Number.isInteger(v));
  if (!ok) {
    const range = opts.max === undefined ? `≥ ${opts.min}` : `from ${opts.min} to ${opts.max}`;
    throw new InvalidFaults(`${path}.${key} must be ${opts.integer ? 'an integer' : 'a number'} ${range}`);
  }
  return v as number;
}

const count = { min: 0, integer: true };
/** Inserted events are held in memory. */
const MAX_MUTATED = 100_000;
/** More than any range can hold (2^32 generated events at most), so the offset is never cut. */
const MAX_COUNT_OFFSET = 2 ** 32;

/** Validates faults from JSON (PUT /_admin/faults, --faults) or code; returns a clean copy with defaults filled in. */
export function parseFaults(value: unknown): AuditFaults {
  const f = object(value, 'faults', [
    'rateLimit', 'serverErrors', 'delayMs', 'malformed', 'truncated', 'reset', 'late',
    'pageCap', 'unstableTies', 'bounds', 'duplicates', 'mutate', 'noCount', 'countCap', 'countOffset',
    'escapedIds', 'unreadable', 'restampIds', 'sortWithinPagesOnly',
  ]);
  const out: AuditFaults = {};
  if (f.rateLimit !== undefined) {
    const o = object(f.rateLimit, 'rateLimit', ['count', 'retryAfterSeconds']);
    out.rateLimit = { count: num(o, 'count', 'rateLimit', count)!, retryAfterSeconds: num(o, 'retryAfterSeconds', 'rateLimit', count)! };
  }
  if (f.serverErrors !== undefined) {
    const o = object(f.serverErrors, 'serverErrors', ['count', 'rate', 'status']);
    const e: NonNullable<AuditFaults['serverErrors']> = {};
    const c = num(o, 'count', 'serverErrors', { ...count, optional: true });
    const rate = num(o, 'rate', 'serverErrors', { min: 0, max: 1, optional: true });
    const status = num(o, 'status', 'serverErrors', { min: 500, max: 599, integer: true, optional: true });
    if (c !== undefined) e.count = c;
    if (rate !== undefined) e.rate = rate;
    if (status !== undefined) e.status = status;
    out.serverErrors = e;
  }
  if (f.delayMs !== undefined) out.delayMs = num(f, 'delayMs', 'faults', { min: 0, max: 600_000 });
  for (const name of ['malformed', 'truncated', 'reset'] as const) {
    if (f[name] !== undefined) out[name] = { count: num(object(f[name], name, ['count']), 'count', name, count)! };
  }
  if (f.late !== undefined) {
    const o = object(f.late, 'late', ['fraction', 'delaySeconds']);
    out.late = { fraction: num(o, 'fraction', 'late', { min: 0, max: 1 })!, delaySeconds: num(o, 'delaySeconds', 'late', { min: 0, max: 365 * 86400 })! };
  }
  if (f.pageCap !== undefined) out.pageCap = num(f, 'pageCap', 'faults', { min: 1, integer: true });
  for (const name of ['unstableTies', 'noCount', 'sortWithinPagesOnly'] as const) {
    if (f[name] !== undefined) out[name] = bool(f, name);
  }
  if (f.bounds !== undefined) {
    const o = object(f.bounds, 'bounds', ['minDate', 'maxDate']);
    out.bounds = { minDate: bound(o, 'minDate', 'inclusive'), maxDate: bound(o, 'maxDate', 'exclusive') };
  }
  for (const name of ['duplicates', 'escapedIds', 'restampIds'] as const) {
    if (f[name] !== undefined) out[name] = { every: num(object(f[name], name, ['every']), 'every', name, { min: 1, integer: true })! };
  }
  if (f.mutate !== undefined) {
    const o = object(f.mutate, 'mutate', ['insert', 'remove', 'afterRequests']);
    const changed = { min: 0, max: MAX_MUTATED, integer: true, optional: true };
    out.mutate = {
      insert: num(o, 'insert', 'mutate', changed) ?? 0,
      remove: num(o, 'remove', 'mutate', changed) ?? 0,
      afterRequests: num(o, 'afterRequests', 'mutate', { min: 1, integer: true, optional: true }) ?? 1,
    };
  }
  if (f.countCap !== undefined) out.countCap = { max: num(object(f.countCap, 'countCap', ['max']), 'max', 'countCap', count)! };
  if (f.countOffset !== undefined) {
    const by = { min: -MAX_COUNT_OFFSET, max: MAX_COUNT_OFFSET, integer: true };
    out.countOffset = { by: num(object(f.countOffset, 'countOffset', ['by']), 'by', 'countOffset', by)! };
  }
  if (f.unreadable !== undefined) {
    const o = object(f.unreadable, 'unreadable', ['every', 'kinds']);
    out.unreadable = { every: num(o, 'every', 'unreadable', { min: 1, integer: true })! };
    if (o.kinds !== undefined) out.unreadable.kinds = kinds(o.kinds);
  }
  return out;
}

function kinds(value: unknown): UnreadableKind[] {
  const known = (k: unknown): k is UnreadableKind => UNREADABLE_KINDS.includes(k as UnreadableKind);
  if (!Array.isArray(value) || value.length === 0 || !value.every(known) || new Set(value).size !== value.length) {
    throw new InvalidFaults(`unreadable.kinds must be a non-empty list of distinct kinds from: ${UNREADABLE_KINDS.join(', ')}`);
  }
  return [...value];
}

function bool(o: Obj, key: string): boolean {
  if (typeof o[key] !== 'boolean') throw new InvalidFaults(`faults.${key} must be true or false`);
  return o[key] as boolean;
}

function bound(o: Obj, key: 'minDate' | 'maxDate', fallback: DateBound): DateBound {
  const v = o[key] ?? fallback;
  if (v !== 'inclusive' && v !== 'exclusive') throw new InvalidFaults(`bounds.${key} must be 'inclusive' or 'exclusive'`);
  return v;
}

