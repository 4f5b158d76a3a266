// Parameters of GET /audit, validated the way a strict server would: anything unexpected is a 400
// that names the parameter and what it expects, so client bugs surface instead of being ignored.
import type { PageRequest } from './stream';
import type { DateBound } from './types';

const DEFAULT_SIZE = 100;
const MAX_SIZE = 10_000;
const KNOWN = ['minDate', 'maxDate', 'offset', 'size', 'sortField', 'sortOrder'];
/** Today's server, and the default: minDate inclusive, maxDate exclusive. */
export const DEFAULT_BOUNDS = { minDate: 'inclusive', maxDate: 'exclusive' } as const;

export class BadRequest extends Error {}

const ISO = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

function shown(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

/**
 * Parses an ISO-8601 date-time with an explicit zone. Sub-millisecond digits round up: event times
 * are whole milliseconds, so `t ≥ x.0005` and `t < x.0005` both mean the same as comparing with x+1 ms.
 */
export function parseIsoMs(value: string): number | undefined {
  return parseIsoInstant(value)?.ceil;
}

/** The whole milliseconds at or below (floor) and at or above (ceil) an ISO-8601 date-time; equal unless it has sub-ms digits. */
function parseIsoInstant(value: string): { floor: number; ceil: number } | undefined {
  const m = ISO.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const fraction = (m[7] ?? '').padEnd(9, '0');
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || hour > 23 || minute > 59 || second > 59) return undefined;
  let zoneMinutes = 0;
  if (m[8] !== 'Z') {
    const zh = Number(m[8].slice(1, 3));
    const zm = Number(m[8].slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    zoneMinutes = (m[8][0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const floor = Date.UTC(year, month - 1, day, hour, minute, second, Number(fraction.slice(0, 3))) - zoneMinutes * 60_000;
  const ceil = floor + (Number(fraction.slice(3)) > 0 ? 1 : 0);
  return Number.isFinite(ceil) && Math.abs(ceil) <= 8.64e15 ? { floor, ceil } : undefined;
}

function single(params: URLSearchParams, name: string): string | undefined {
  const all = params.getAll(name);
  if (all.length > 1) throw new BadRequest(`${name} was given ${all.length} times; give it once`);
  return all[0];
}

function date(params: URLSearchParams, name: string, bound: DateBound): { floor: number; ceil: number } {
  const value = single(params, name);
  const expects = `an ISO-8601 date-time with a zone, e.g. 2024-01-01T00:00:00.000Z (${bound})`;
  if (value === undefined || value === '') throw new BadRequest(`${name} is required: ${expects}`);
  const instant = parseIsoInstant(value);
  if (instant === undefined) throw new BadRequest(`${name} must be ${expects}; got ${shown(value)} (a '+' offset must be sent as %2B)`);
  return instant;
}

function integer(params: URLSearchParams, name: string, fallback: number, max: number): number {
  const value = single(params, name);
  if (value === undefined) return fallback;
  const n = /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!(n <= max)) throw new BadRequest(`${name} must be an integer from 0 to ${max}; got ${shown(value)}`);
  return n;
}

function fixed(params: URLSearchParams, name: string, only: string): void {
  const value = single(params, name);
  if (value !== undefined && value !== only) throw new BadRequest(`${name} must be '${only}' (the only supported value); got ${shown(value)}`);
}

/**
 * The query as a half-open range of whole milliseconds [minMs, maxMs), whichever way the bounds are set:
 * t ≥ v ⇔ t ≥ ceil(v); t > v ⇔ t ≥ floor(v) + 1; t < v ⇔ t < ceil(v); t ≤ v ⇔ t < floor(v) + 1.
 */
export function parseAuditQuery(params: URLSearchParams, bounds: { minDate: DateBound; maxDate: DateBound } = DEFAULT_BOUNDS): PageRequest {
  for (const name of new Set(params.keys())) {
    if (!KNOWN.includes(name)) throw new BadRequest(`unsupported parameter ${shown(name)}; supported: ${KNOWN.join(', ')}`);
  }
  fixed(params, 'sortField', 'dateTime');
  fixed(params, 'sortOrder', 'asc');
  const min = date(params, 'minDate', bounds.minDate);
  const max = date(params, 'maxDate', bounds.maxDate);
  if (min.ceil > max.ceil) throw new BadRequest('minDate must not be after maxDate');
  const minMs = bounds.minDate === 'inclusive' ? min.ceil : min.floor + 1;
  const maxMs = Math.max(minMs, bounds.maxDate === 'exclusive' ? max.ceil : max.floor + 1);
  const offset = integer(params, 'offset', 0, Number.MAX_SAFE_INTEGER);
  const size = integer(params, 'size', DEFAULT_SIZE, MAX_SIZE);
  return { minMs, maxMs, offset, size };
}
