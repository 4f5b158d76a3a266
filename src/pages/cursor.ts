import type { Cursor } from '../checkpoint/checkpoint';
import type { Window } from '../time/window';
import { canonicalIdKey } from '../ndjson/idToken';
import type { Position } from './position';

/** A position as the checkpoint keeps it. */
export function cursorOf(window: Window, p: Position): Cursor {
  const copies = [...p.ids].filter(([, n]) => n > 1);
  return {
    window: { start: window.start.toISOString(), end: window.end.toISOString() },
    from: new Date(p.from).toISOString(),
    skip: p.skip,
    at: new Date(p.at).toISOString(),
    ids: [...p.ids.keys()],
    ...(copies.length > 0 ? { copies: Object.fromEntries(copies) } : {}),
    written: p.written,
    dropped: p.dropped,
    ...(p.before !== undefined ? { before: p.before } : {}),
  };
}

/**
 * The window and position a cursor stands for. Its ids are compared by value: a cursor saved before they were holds
 * each as the API spelled it, so two spellings of one id become one key, with the copies of both.
 */
export function positionOf(c: Cursor): { window: Window; position: Position } {
  const ids = new Map<string, number>();
  for (const id of c.ids) {
    const key = canonicalIdKey(id);
    ids.set(key, (ids.get(key) ?? 0) + (c.copies?.[id] ?? 1));
  }
  return {
    window: { start: new Date(c.window.start), end: new Date(c.window.end) },
    position: {
      from: Date.parse(c.from),
      skip: c.skip,
      at: Date.parse(c.at),
      ids,
      written: c.written,
      dropped: c.dropped,
      before: c.before,
    },
  };
}
