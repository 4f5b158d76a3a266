import type { HourRecord } from '../manifest/hourRecord';
import type { Checkpoint } from './checkpoint';

/** What the checkpoint knows the lake held, for when the lake is found without it: which hours, and how many events. */
export interface LakeHoldings {
  /** The export's span: where it began and its watermark (every closed hour in between was written). */
  from: string | null;
  to: string;
  /** Manifests written so far, and the last one's path. */
  manifests: number;
  lastManifest: string | null;
  /** Hours the checkpoint still describes (those within the re-check horizon, and the open one), with their events. */
  hours: Array<{ hour: string; events: number; files: number }>;
}

const eventsOf = (r: HourRecord) => r.exported ?? r.parts.reduce((n, p) => n + p.events, 0);

export function lakeHoldings(c: Checkpoint): LakeHoldings {
  const records = [...(c.recent ?? []).map((r) => r.record), ...(c.openHour ? [c.openHour] : [])];
  return {
    from: c.origin ?? null,
    to: c.watermark,
    manifests: c.chain?.manifests ?? 0,
    lastManifest: c.chain?.path ?? null,
    hours: records.map((r) => ({ hour: r.hour, events: eventsOf(r), files: r.parts.length })),
  };
}

/** The holdings in one sentence, for a message or a log line. */
export function holdingsText(h: LakeHoldings): string {
  const hours = h.hours.map((x) => `${x.hour.slice(0, 13)} (${x.events} events)`).join(', ');
  return (
    `exported ${h.from ?? 'from the start'} to ${h.to}, ${h.manifests} manifest${h.manifests === 1 ? '' : 's'}` +
    (h.lastManifest ? ` (the last ${h.lastManifest})` : '') +
    (hours ? `; recorded hours: ${hours}` : '')
  );
}

/** What an operator does about a lake found emptied: see what is gone, then export it again. */
export const LAKE_RESET_TODO =
  'run "audit-export verify" to see which hours are missing, then "audit-export checkpoint reset --start <the first missing hour>" to export them again';
