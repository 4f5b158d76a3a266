import type { Intent } from '../../src/checkpoint/checkpoint';
import { ExportError } from '../../src/errors';
import { afterFlushAtFrom, afterFlushAtTo, type FlushOutcome } from '../../src/delivery/recoveryTable';

const intent = (create: boolean): Intent => ({
  file: { path: 'p/year=2026/month=01/day=01/hour=00/audit-20260101T00-part-0000.ndjson', hour: '2026-01-01T00:00:00.000Z', part: 0, length: 300 },
  create,
  from: create ? 0 : 100,
  to: 300,
  events: 2,
  next: { watermark: '2026-01-01T01:00:00.000Z' },
});

/** The decision, or the code of the error it throws. */
const decide = (f: () => string): string => {
  try {
    return f();
  } catch (e) {
    return (e as ExportError).code;
  }
};

describe('recovery of an intent: flush at `to`, then if needed at `from`', () => {
  const outcomes: FlushOutcome[] = ['committed', 'mismatch', 'missing'];
  const expectedAtTo: Record<string, Record<FlushOutcome, string>> = {
    existing: { committed: 'apply', mismatch: 'flush-at-from', missing: 'FileVanished' },
    create: { committed: 'apply', mismatch: 'flush-at-from', missing: 'drop' },
  };
  const expectedAtFrom: Record<string, Record<FlushOutcome, string>> = {
    existing: { committed: 'drop', mismatch: 'UnexpectedFileLength', missing: 'FileVanished' },
    create: { committed: 'drop', mismatch: 'UnexpectedFileLength', missing: 'drop' },
  };

  for (const kind of ['existing', 'create'] as const) {
    for (const outcome of outcomes) {
      it(`${kind} file, flush at to → ${outcome}: ${expectedAtTo[kind]![outcome]}`, () => {
        expect(decide(() => afterFlushAtTo(intent(kind === 'create'), outcome))).toBe(expectedAtTo[kind]![outcome]);
      });
      it(`${kind} file, flush at from → ${outcome}: ${expectedAtFrom[kind]![outcome]}`, () => {
        expect(decide(() => afterFlushAtFrom(intent(kind === 'create'), outcome))).toBe(expectedAtFrom[kind]![outcome]);
      });
    }
  }

  it('a changed file is a conflict that tells the operator what to do', () => {
    expect(decide(() => afterFlushAtFrom(intent(false), 'mismatch'))).toBe('UnexpectedFileLength');
    try {
      afterFlushAtFrom(intent(false), 'mismatch');
    } catch (e) {
      expect((e as ExportError).kind).toBe('conflict');
      expect((e as Error).message).toMatch(/neither 100 nor 300 bytes long.*stop other exporters/);
    }
  });
});
