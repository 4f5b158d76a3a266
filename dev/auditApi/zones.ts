// Which UTC offset an event's timestamps are written in, for timestampStyle 'offset-micros'.
// Never +00:00, so a client that assumes 'Z' or drops the offset is caught.
import { hash32 } from './random';

const SALT_ZONE = 0x20e;

/** Minutes east of UTC: the Americas, India, Nepal, Japan, Newfoundland, the Line Islands. */
const OFFSETS = [-240, 330, -420, 540, 60, -210, 345, -600, 840, 120, -180, 600] as const;

export function zoneOffsetMinutes(key: number, index: number): number {
  return OFFSETS[hash32(key, index, SALT_ZONE) % OFFSETS.length];
}
