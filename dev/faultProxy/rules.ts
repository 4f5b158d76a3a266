// Pure rule logic: validation, matching and the skip/count budgets. No I/O, so it is unit-testable.
import type { FaultKind, FaultRule, FaultStats } from './types';

class InvalidRules extends Error {}

const KINDS: FaultKind[] = ['status', 'reset-before', 'reset-after', 'delay'];
const KEYS = ['method', 'pathIncludes', 'query', 'fault', 'status', 'errorCode', 'retryAfterSeconds', 'delayMs', 'count', 'skip'];

/** What a rule can see of a request. */
export interface RequestFacts {
  method: string;
  /** Raw (percent-encoded) path, without the query. */
  path: string;
  query: URLSearchParams;
}

type Obj = Record<string, unknown>;

function intAt(o: Obj, key: string, where: string, min: number, max: number, allowInfinity = false): void {
  const v = o[key];
  if (v === undefined) return;
  const ok = typeof v === 'number' && ((allowInfinity && v === Infinity) || (Number.isInteger(v) && v >= min && v <= max));
  if (!ok) throw new InvalidRules(`${where}.${key} must be an integer from ${min} to ${max}`);
}

function stringAt(o: Obj, key: string, where: string): void {
  if (o[key] !== undefined && (typeof o[key] !== 'string' || o[key] === '')) throw new InvalidRules(`${where}.${key} must be a non-empty string`);
}

/** Validates rules as a test gives them; unknown keys are refused to catch typos. Returns frozen copies. */
export function parseRules(value: unknown): readonly FaultRule[] {
  if (!Array.isArray(value)) throw new InvalidRules('rules must be an array');
  return Object.freeze(
    value.map((raw, i) => {
      const where = `rules[${i}]`;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new InvalidRules(`${where} must be an object`);
      const o = raw as Obj;
      for (const key of Object.keys(o)) if (!KEYS.includes(key)) throw new InvalidRules(`${where}.${key} is not a rule setting; known: ${KEYS.join(', ')}`);
      if (!KINDS.includes(o.fault as FaultKind)) throw new InvalidRules(`${where}.fault must be one of ${KINDS.join(', ')}`);
      stringAt(o, 'method', where);
      stringAt(o, 'pathIncludes', where);
      stringAt(o, 'errorCode', where);
      intAt(o, 'status', where, 400, 599);
      intAt(o, 'retryAfterSeconds', where, 0, 86_400);
      intAt(o, 'delayMs', where, 0, 600_000);
      intAt(o, 'count', where, 0, Number.MAX_SAFE_INTEGER, true);
      intAt(o, 'skip', where, 0, Number.MAX_SAFE_INTEGER);
      if (o.fault === 'delay' && o.delayMs === undefined) throw new InvalidRules(`${where}.delayMs is required for a delay`);
      let query: Record<string, string> | undefined;
      if (o.query !== undefined) {
        if (typeof o.query !== 'object' || o.query === null || Array.isArray(o.query)) throw new InvalidRules(`${where}.query must be an object`);
        query = {};
        for (const [k, v] of Object.entries(o.query)) {
          if (typeof v !== 'string') throw new InvalidRules(`${where}.query.${k} must be a string`);
          query[k] = v;
        }
      }
      return Object.freeze({ ...(o as unknown as FaultRule), ...(query ? { query: Object.freeze(query) } : {}) });
    }),
  );
}

function matches(rule: FaultRule, req: RequestFacts): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== req.method.toUpperCase()) return false;
  if (rule.pathIncludes !== undefined && !req.path.includes(rule.pathIncludes) && !decoded(req.path).includes(rule.pathIncludes)) return false;
  for (const [k, v] of Object.entries(rule.query ?? {})) if (req.query.get(k) !== v) return false;
  return true;
}

function decoded(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path; // malformed escapes: only the raw form can match
  }
}

/** The current rules and their counters. */
export class RuleBook {
  private rules: readonly FaultRule[] = [];
  private matched: number[] = [];
  private injected: number[] = [];
  private requests = 0;
  private faulted = 0;

  /** Replaces the rules and resets every counter, so stats describe the new scenario only. */
  set(rules: unknown): void {
    this.rules = parseRules(rules);
    this.matched = this.rules.map(() => 0);
    this.injected = this.rules.map(() => 0);
    this.requests = 0;
    this.faulted = 0;
  }

  /**
   * Counts the request and picks the fault for it, if any. Rules are tried in order; a matching rule
   * still in its skip phase, or with its count used up, lets later rules decide.
   */
  decide(req: RequestFacts): { index: number; rule: FaultRule } | undefined {
    this.requests++;
    for (let index = 0; index < this.rules.length; index++) {
      const rule = this.rules[index]!;
      if (!matches(rule, req)) continue;
      const seen = ++this.matched[index]!;
      const skip = rule.skip ?? 0;
      if (seen <= skip || seen > skip + (rule.count ?? 1)) continue;
      this.injected[index]!++;
      this.faulted++;
      return { index, rule };
    }
    return undefined;
  }

  stats(): FaultStats {
    return { requests: this.requests, faulted: this.faulted, byRule: [...this.injected] };
  }
}
