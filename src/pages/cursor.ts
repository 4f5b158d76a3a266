import type { Cursor } from '../checkpoint/checkpoint';
import type { Window } from '../time/window';
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

/** The window and position a cursor stands for. */
export function positionOf(c: Cursor): { window: Window; position: Position } {
  return {
    window: { start: new Date(c.window.start), end: new Date(c.window.end) },
    position: {
      from: Date.parse(c.from),
      skip: c.skip,
      at: Date.parse(c.at),
      ids: new Map(c.ids.map((id) => [id, c.copies?.[id] ?? 1])),
      written: c.written,
      dropped: c.dropped,
      before: c.before,
    },
  };
}
