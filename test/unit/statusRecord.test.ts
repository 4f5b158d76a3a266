import { recordConnection } from '../../src/connection/recordConnection';
import { ManualClock } from '../../src/adapters/memory/manualClock';
import { errorCode } from '../../src/errors';
import type { StatusStore } from '../../src/status/statusStore';
import { recordRun } from '../../src/status/recordRun';
import { decodeStatus, type StatusRecord } from '../../src/status/statusRecord';

/** The status store's twin: one record in memory, or a save that throws what it is given. */
class MemoryStatusStore implements StatusStore {
  record: StatusRecord | undefined;
  constructor(private readonly saveThrows?: unknown) {}
  async load() {
    return this.record;
  }
  async save(record: StatusRecord) {
    if (this.saveThrows !== undefined) throw this.saveThrows;
    this.record = decodeStatus(JSON.stringify(record));
  }
}

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

const SAS = 'the SAS in secret "s" in Key Vault https://v expires at 2026-06-04T00:00:00.000Z (in 3.0 days): rotate it before then';
const OTHER = 'the export stands at 2026-01-01T00:00:00.000Z';
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('the status record', () => {
  it('reads a record written before the SAS warnings were kept apart', () => {
    expect(decodeStatus(JSON.stringify({ version: 1, warnings: [SAS] }))).toEqual({ version: 1, warnings: [SAS] });
  });

  it('reads a run recorded before countBelowExported, when the same number was called removed', () => {
    const hour = '2026-01-01T00:00:00.000Z';
    const run = { id: 'r', startedAt: hour, endedAt: hour, status: 'caught-up', events: 3, bytes: 9, files: 1, attempts: 1 };
    const source = { duplicatesDropped: 0, shortPages: 0, windowsChecked: 1, windowsUnverified: 0, missing: 0 };
    const old = decodeStatus(JSON.stringify({ version: 1, warnings: [], lastRun: { ...run, source: { ...source, removed: 4, hours: [{ hour, missing: 0, removed: 4 }] } } }));
    expect(old.lastRun?.source).toEqual({ ...source, countBelowExported: 4, hours: [{ hour, missing: 0, countBelowExported: 4 }] });
    const now = { ...source, countBelowExported: 2, hours: [{ hour, missing: 0, countBelowExported: 2 }] };
    expect(decodeStatus(JSON.stringify({ version: 1, warnings: [], lastRun: { ...run, source: now } })).lastRun?.source).toEqual(now);
  });

  it('one it cannot read throws StatusRecordCorrupt, by code, whether not JSON or not a record', () => {
    expect(errorCode(thrown(() => decodeStatus('nope')))).toBe('StatusRecordCorrupt');
    expect(errorCode(thrown(() => decodeStatus(JSON.stringify({ version: 2, warnings: [] }))))).toBe('StatusRecordCorrupt');
    expect(thrown(() => decodeStatus(JSON.stringify({ version: 1 })))).toMatchObject({ code: 'StatusRecordCorrupt', message: expect.stringMatching(/^status record is not valid: /) });
  });

  it('a run keeps all its warnings, and which of them the SAS check gave', async () => {
    const store = new MemoryStatusStore();
    const outcome = { reason: 'interrupted', code: 'Interrupted' as const };
    await recordRun(store, { id: 'r1', startedAt: '2026-06-01T00:00:00.000Z', outcome, warnings: [SAS, OTHER], sasWarnings: [SAS] }, new ManualClock(), quiet);
    expect(store.record).toMatchObject({ warnings: [SAS, OTHER], sasWarnings: [SAS], lastRun: { status: 'failed', failureCode: 'Interrupted' } });
  });

  it('a connection test keeps the SAS warnings as both', async () => {
    const store = new MemoryStatusStore();
    await recordConnection(store, { connectionStatus: 'SUCCESS', checks: [] }, [SAS], new Date('2026-06-01T00:00:00.000Z'));
    expect(store.record).toMatchObject({ warnings: [SAS], sasWarnings: [SAS], connection: { status: 'SUCCESS', by: 'test-connection' } });
  });

  it('a failure to keep the run is logged with its message, even when what was thrown is not an Error', async () => {
    const warned: unknown[] = [];
    const logger = { ...quiet, warn: (message: string, fields?: unknown) => void warned.push([message, fields]) };
    const outcome = { reason: 'x' };
    await recordRun(new MemoryStatusStore('host storage is gone'), { id: 'r1', startedAt: '2026-06-01T00:00:00.000Z', outcome, warnings: [], sasWarnings: [] }, new ManualClock(), logger);
    expect(warned).toEqual([['could not record the run for status', { error: 'host storage is gone' }]]);
  });
});
