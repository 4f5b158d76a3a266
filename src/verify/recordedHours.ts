import type { Checkpoint } from '../checkpoint/checkpoint';
import type { HourFiles } from './inventory';

/** An hour as the checkpoint records it: its part files with their events, and whether its manifest is written. */
export interface RecordedHour {
  hour: number;
  parts: Array<{ path: string; events: number }>;
  events: number;
  manifest: boolean;
}

/**
 * The hours the checkpoint still describes (the closed ones within the re-check horizon, and the open one): what
 * the lake must hold for them, so that verify can name an hour the lake lost whole, with its events.
 */
export function recordedHours(c: Checkpoint | undefined): Map<number, RecordedHour> {
  const hours = new Map<number, RecordedHour>();
  if (!c) return hours;
  const due = new Set((c.pendingManifests ?? []).map((m) => Date.parse(m.hour)));
  const records = [...(c.recent ?? []).map((r) => ({ record: r.record, closed: true })), ...(c.openHour ? [{ record: c.openHour, closed: false }] : [])];
  for (const { record, closed } of records) {
    const hour = Date.parse(record.hour);
    const parts = record.parts.map((p) => ({ path: p.path, events: p.events }));
    const events = record.exported ?? parts.reduce((n, p) => n + p.events, 0);
    hours.set(hour, { hour, parts, events, manifest: closed && !due.has(hour) });
  }
  return hours;
}

/** What of a recorded hour the listing lacks: each missing part with its events, and its manifest. */
export function lostOf(recorded: RecordedHour, files: HourFiles | undefined): string[] {
  const lost: string[] = [];
  if (recorded.manifest && !files?.manifests.size) lost.push('its manifest');
  for (const part of recorded.parts) if (!files?.data.has(part.path)) lost.push(`${part.path} (${part.events} events)`);
  return lost;
}
