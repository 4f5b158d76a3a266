// The unreadable fault: every Nth generated event is stored in a form no client can place in time or key by id,
// the kinds taken in turn, so the same event is unreadable the same way on every request. Applied to the text the
// generator wrote (its fields come first, in a fixed order), so nothing else about the event changes.
import { isoString } from './isoTime';
import type { AuditFaults, AuditKind, UnreadableKind } from './types';

export const UNREADABLE_KINDS: readonly UnreadableKind[] = ['leapSecond', 'numericId', 'noZone', 'noTime'];

type UnreadableFault = NonNullable<AuditFaults['unreadable']>;

/** How generated event `index` is unreadable, if it is: the every-th, 2·every-th, … event, the kinds in turn. */
export function unreadableKind(fault: UnreadableFault | undefined, index: number): UnreadableKind | undefined {
  if (fault === undefined || (index + 1) % fault.every !== 0) return undefined;
  const kinds = fault.kinds ?? UNREADABLE_KINDS;
  return kinds[((index + 1) / fault.every - 1) % kinds.length];
}

// The generator's first fields, as it writes them (generator.ts, legacyRecord.ts).
const UAM_HEAD = /^\{"id":"([^"]*)","eventTimestamp":"([^"]*)","receivedTimestamp":"([^"]*)",/;
const LEGACY_HEAD = /^\{"id":"([^"]*)","dateTime":("?\d+"?),/;
/** YYYY-MM-DDTHH: of an ISO-8601 date-time; the leap second goes right after it. */
const HOUR_PREFIX = 14;
/** YYYY-MM-DDTHH:MM:SS */
const SECONDS_END = 19;
const ZONE = /(?:Z|[+-]\d{2}:\d{2})$/;

/** A leap second at the end of the instant's hour, its fraction kept: a lenient parser reads it as the next hour. */
function leapSecond(iso: string): string {
  return `${iso.slice(0, HOUR_PREFIX)}59:60${iso.slice(SECONDS_END)}`;
}

/** The generated event's text `json`, unreadable as `kind`; `index` is the numeric id it gets. */
export function unreadableJson(kind: AuditKind, how: UnreadableKind, json: string, index: number): string {
  if (kind === 'immuta-uam') {
    const m = UAM_HEAD.exec(json)!;
    const [head, id, event, received] = [m[0], m[1]!, m[2]!, m[3]!];
    const rest = json.slice(head.length);
    switch (how) {
      case 'numericId': return `{"id":${index}${json.slice(`{"id":"${id}"`.length)}`;
      case 'leapSecond': return `{"id":"${id}","eventTimestamp":"${leapSecond(event)}","receivedTimestamp":"${received}",${rest}`;
      case 'noZone': return `{"id":"${id}","eventTimestamp":"${event.replace(ZONE, '')}","receivedTimestamp":"${received.replace(ZONE, '')}",${rest}`;
      case 'noTime': return `{"id":"${id}",${rest}`;
    }
  }
  // A legacy record has one time, dateTime in epoch ms: these carry it as text no epoch reader takes, or not at all.
  const m = LEGACY_HEAD.exec(json)!;
  const [head, id, dateTime] = [m[0], m[1]!, m[2]!];
  const rest = json.slice(head.length);
  const iso = isoString(Number(dateTime.replace(/"/g, '')));
  switch (how) {
    case 'numericId': return `{"id":${index}${json.slice(`{"id":"${id}"`.length)}`;
    case 'leapSecond': return `{"id":"${id}","dateTime":"${leapSecond(iso)}",${rest}`;
    case 'noZone': return `{"id":"${id}","dateTime":"${iso.replace(ZONE, '')}",${rest}`;
    case 'noTime': return `{"id":"${id}",${rest}`;
  }
}
