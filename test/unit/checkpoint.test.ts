import { advanceCheckpoint, applyIntent, dropIntent, initialCheckpoint, type Checkpoint, type Intent } from '../../src/checkpoint/checkpoint';
import { decodeCheckpoint, encodeCheckpoint, unreadableAt } from '../../src/checkpoint/checkpointCodec';

const file = { path: 'p/f.ndjson', hour: '2026-01-01T10:00:00.000Z', part: 0, length: 300 };
const intent: Intent = {
  file, create: false, from: 100, to: 300, events: 2,
  next: { watermark: '2026-01-01T10:00:00.000Z', cursor: {
    window: { start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T11:00:00.000Z' },
    from: '2026-01-01T10:05:00.000Z', skip: 0, at: '2026-01-01T10:05:00.001Z', ids: ['"a"', '"b"'], copies: { '"b"': 2 }, written: 7, dropped: 1, before: 0,
  } },
};
const base: Checkpoint = { ...initialCheckpoint(new Date('2026-01-01T10:00:00Z')), file: { ...file, length: 100 } };

describe('checkpoint', () => {
  it('round-trips through its JSON form', () => {
    const c = { ...base, intent };
    expect(decodeCheckpoint(encodeCheckpoint(c))).toEqual(c);
  });
  it('keeps the claim on the lake path and a lake found reset, through its JSON form and every advance', () => {
    const claim = { path: 'p/_owner', claimedAt: '2026-01-01T10:00:00.000Z', content: '{"configId":"c"}\n', pending: true };
    const c: Checkpoint = { ...base, claim, lakeReset: { detectedAt: '2026-01-01T12:00:00.000Z' } };
    expect(decodeCheckpoint(encodeCheckpoint(c))).toEqual(c);
    expect(applyIntent({ ...c, intent }, intent)).toMatchObject({ claim, lakeReset: c.lakeReset });
    expect(() => decodeCheckpoint(encodeCheckpoint({ ...c, claim: { ...claim, content: '' } }))).toThrow(/claim\.content/);
  });

  it('applying an intent advances to its `next` state, records the file length and clears the intent, in one value', () => {
    const after = applyIntent({ ...base, intent }, intent);
    expect(after).toEqual({ version: 2, origin: base.origin, watermark: intent.next.watermark, cursor: intent.next.cursor, file });
  });
  it('applying a window-closing intent drops the cursor', () => {
    const closing = { ...intent, next: { watermark: '2026-01-01T11:00:00.000Z' } };
    expect(applyIntent({ ...base, cursor: intent.next.cursor, intent: closing }, closing).cursor).toBeUndefined();
  });
  it('moving on without a batch keeps the file and any intent, sets the watermark, and keeps a cursor only if given', () => {
    const mid = { ...base, intent, cursor: intent.next.cursor };
    expect(advanceCheckpoint(mid, { watermark: '2026-01-01T11:00:00.000Z' })).toEqual({ ...base, intent, watermark: '2026-01-01T11:00:00.000Z' });
    expect(advanceCheckpoint(base, intent.next)).toEqual({ ...base, watermark: intent.next.watermark, cursor: intent.next.cursor });
  });
  it('dropping an intent leaves the rest unchanged', () => {
    expect(dropIntent({ ...base, intent })).toEqual(base);
  });
  it('refuses anything that is not a valid checkpoint, naming the field', () => {
    expect(() => decodeCheckpoint('nope')).toThrow(expect.objectContaining({ code: 'CheckpointCorrupt', kind: 'permanent', message: 'checkpoint is not JSON' }));
    expect(() => decodeCheckpoint(JSON.stringify({ ...base, version: 3 }))).toThrow(expect.objectContaining({ code: 'CheckpointCorrupt' }));
    expect(() => decodeCheckpoint(JSON.stringify({ ...base, version: 3 }))).toThrow(/version/);
    expect(() => decodeCheckpoint(JSON.stringify({ ...base, intent: { ...intent, to: 50 } }))).toThrow(/intent/);
  });
  it('reads a version 1 checkpoint (paged by offset) as version 2: each cursor asks from its window start, skipping what was written', () => {
    const window = { start: '2026-01-01T10:00:00.000Z', end: '2026-01-01T11:00:00.000Z' };
    const keyset = (written: number) => ({ window, from: window.start, skip: written, at: window.start, ids: [], written, dropped: 0 });
    const v1 = {
      version: 1, watermark: window.start, file: base.file, cursor: { window, offset: 7 },
      intent: { file, create: false, from: 100, to: 300, events: 2, next: { watermark: window.start, cursor: { window, offset: 9 } } },
    };
    const read = decodeCheckpoint(JSON.stringify(v1));
    expect(read).toEqual({ ...v1, version: 2, cursor: keyset(7), intent: { ...v1.intent, next: { watermark: window.start, cursor: keyset(9) } } });
    expect(decodeCheckpoint(encodeCheckpoint(read))).toEqual(read);
    expect(decodeCheckpoint(JSON.stringify({ version: 1, watermark: window.start }))).toEqual({ version: 2, watermark: window.start });
    expect(() => decodeCheckpoint(JSON.stringify({ ...v1, cursor: { window } }))).toThrow(/^checkpoint is not valid: cursor\.offset/);
  });

  it('a store adds where the refused checkpoint lies to the decoder\'s error, by its code, and passes anything else on', () => {
    const refused = (() => {
      try {
        decodeCheckpoint('nope');
      } catch (error) {
        return error;
      }
    })();
    expect(unreadableAt(refused, 'state/checkpoints/x.json')).toMatchObject({
      code: 'CheckpointCorrupt', kind: 'permanent', message: 'checkpoint is not JSON (state/checkpoints/x.json); restore it or delete it to start over', cause: refused,
    });
    const other = new Error('checkpoint is not JSON');
    expect(unreadableAt(other, 'state/checkpoints/x.json')).toBe(other);
  });
});
