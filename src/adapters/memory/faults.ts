import { ExportError } from '../../errors';

/** One call into an in-memory adapter, as a fault hook sees it. */
export interface Operation {
  /** 1-based, counted over every adapter that shares the injector (one simulated process). */
  seq: number;
  port: 'lake' | 'checkpoint';
  name: 'createFile' | 'append' | 'flush' | 'acquire' | 'load' | 'save' | 'renew' | 'release';
  path?: string;
  position?: number;
  length?: number;
}

export type Fault =
  /** The operation does not happen; the caller gets `error`. */
  | { type: 'fail'; error: Error }
  /** The operation happens but its answer is lost: the caller gets `error` (default: a retryable StorageUnreachable). */
  | { type: 'lostResponse'; error?: Error }
  /**
   * The process dies (SIGKILL) before the operation, or with `after` once it has taken effect. The caller gets
   * SimulatedCrash, and so does every later operation through the same injector until restart(); leases stop being
   * renewed and are not released, as after a real kill.
   */
  | { type: 'crash'; after?: boolean }
  /** The operation waits for `until` before it happens; if its abort signal fires first, it never happens. */
  | { type: 'hold'; until: Promise<unknown> };

/** Which operations a planned fault counts: any with these fields, or those the predicate accepts. */
export type OperationMatch = Partial<Pick<Operation, 'port' | 'name' | 'path'>> | ((op: Operation) => boolean);

/** Thrown by every operation of a simulated process that has crashed. Not an ExportError: nothing retries it. */
export class SimulatedCrash extends Error {
  constructor(readonly at: Operation) {
    super(`simulated crash at operation ${at.seq} (${describe(at)})`);
    this.name = 'SimulatedCrash';
  }
}

interface Planned {
  remaining: number;
  fault: Fault;
  matches: (op: Operation) => boolean;
}

/**
 * Fault injection for the in-memory adapters. Share one injector between the lake and the checkpoint store to
 * number their operations in one sequence, as one process would make them, so a test can crash "at step N".
 */
export class FaultInjector {
  /** Called for every operation no planned fault claimed; return a fault to inject it. */
  beforeOperation: ((op: Operation) => Fault | undefined) | undefined;
  /** Every operation that reached storage (or a fault), in order. Operations refused up front (aborted, crashed) are not in it. */
  readonly log: Operation[] = [];
  private seq = 0;
  private planned: Planned[] = [];
  private crashedAt: Operation | undefined;

  /**
   * Injects `fault` into the `nth` (1 = the next) operation from now that `match` accepts. Plans count
   * independently; when two claim the same operation the earlier-planned one wins and the other is dropped.
   */
  failNext(nth: number, fault: Fault, match: OperationMatch = {}): void {
    if (!Number.isInteger(nth) || nth < 1) throw new RangeError('nth counts from 1');
    this.planned.push({ remaining: nth, fault, matches: matcher(match) });
  }

  get crashed(): boolean {
    return this.crashedAt !== undefined;
  }

  /** A new process starts: operations go through again. Planned faults not yet reached stay planned. */
  restart(): void {
    this.crashedAt = undefined;
  }

  /** Runs `effect` as one storage operation, with whatever fault is planned for it. Adapters call this. */
  async run<T>(what: Omit<Operation, 'seq'>, abortSignal: AbortSignal | undefined, effect: () => T): Promise<T> {
    if (this.crashedAt) throw new SimulatedCrash(this.crashedAt);
    if (abortSignal?.aborted) throw aborted(what);
    const op: Operation = { seq: ++this.seq, ...what };
    this.log.push(op);
    const fault = this.claim(op) ?? this.beforeOperation?.(op);
    if (!fault) return effect();
    switch (fault.type) {
      case 'fail':
        throw fault.error;
      case 'lostResponse':
        try {
          effect();
        } catch {
          // the caller would not have heard about this failure either
        }
        throw fault.error ?? storageFaults.unreachable(describe(op));
      case 'crash':
        if (fault.after) {
          try {
            effect();
          } catch {
            // it died before hearing the answer
          }
        }
        this.crashedAt = op;
        throw new SimulatedCrash(op);
      case 'hold':
        await held(fault.until, abortSignal, op);
        if (this.crashedAt) throw new SimulatedCrash(this.crashedAt);
        return effect();
    }
  }

  private claim(op: Operation): Fault | undefined {
    let fired: Fault | undefined;
    this.planned = this.planned.filter((p) => {
      if (!p.matches(op)) return true;
      p.remaining -= 1;
      if (p.remaining > 0) return true;
      fired ??= p.fault;
      return false;
    });
    return fired;
  }
}

/** The ExportErrors the Azure adapters throw for common failures, for `fail` and `lostResponse` faults. */
export const storageFaults = {
  /**
   * A refused or reset connection, or a timeout, before any answer (retryable), as storageError() reports it.
   */
  unreachable: (what = 'storage call') =>
    new ExportError('StorageUnreachable', `${what}: the connection was reset (simulated)`, { kind: 'retryable' }),
  /** 503 ServerBusy (retryable). */
  throttled: (what = 'storage call', retryAfterSeconds?: number) =>
    new ExportError('StorageError', `${what}: 503 ServerBusy (simulated)`, { kind: 'retryable', retryAfterSeconds }),
  /** 403 from a SAS that is expired, revoked or lacks a permission (permanent). */
  authorizationFailed: (what = 'storage call') =>
    new ExportError('StorageAuthorizationFailed', `${what}: 403 AuthenticationFailed (simulated)`, { kind: 'permanent' }),
};

/** What the Azure adapters throw for an aborted call (storageError maps the SDK's AbortError to this). */
function aborted(what: Omit<Operation, 'seq'>): ExportError {
  return new ExportError('Aborted', `${describe(what)}: aborted`, { kind: 'retryable' });
}

function describe(op: Omit<Operation, 'seq'>): string {
  const at = op.position === undefined ? '' : ` at ${op.position}`;
  return `${op.name}${op.path ? ` ${op.path}` : ''}${at}`;
}

function matcher(match: OperationMatch): (op: Operation) => boolean {
  if (typeof match === 'function') return match;
  return (op) => Object.entries(match).every(([key, value]) => value === undefined || op[key as keyof Operation] === value);
}

function held(until: Promise<unknown>, abortSignal: AbortSignal | undefined, op: Operation): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(aborted(op));
    abortSignal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      abortSignal?.removeEventListener('abort', onAbort);
      resolve();
    };
    until.then(done, done);
  });
}
