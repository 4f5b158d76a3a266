import type { LakeEntry } from '../ports/lakeReader';
import { classifyPath } from './lakePaths';

/** What the listing found for one UTC hour. */
export interface HourFiles {
  hour: number;
  /** Part files by path. */
  data: Map<string, LakeEntry>;
  /** Manifests by revision. */
  manifests: Map<number, LakeEntry>;
  /** Quarantine files (events that could not be placed) by path. */
  quarantine: Map<string, LakeEntry>;
  /** Other files in the hour's folders. */
  strays: LakeEntry[];
}

export interface Inventory {
  hours: Map<number, HourFiles>;
  /** Every manifest, whatever its hour: the chain runs through all of them. */
  manifests: LakeEntry[];
  /** Files under the root that belong to no hour (the probe left out). */
  others: LakeEntry[];
  /** The file that claims the path, if there is one. */
  owner?: LakeEntry;
}

/** Sorts a listing of the root into hours, manifests and the rest. */
export async function takeInventory(root: string, listing: AsyncIterable<LakeEntry>): Promise<Inventory> {
  const hours = new Map<number, HourFiles>();
  const manifests: LakeEntry[] = [];
  const others: LakeEntry[] = [];
  let owner: LakeEntry | undefined;
  const hourOf = (hour: number) => {
    let h = hours.get(hour);
    if (!h) {
      h = { hour, data: new Map(), manifests: new Map(), quarantine: new Map(), strays: [] };
      hours.set(hour, h);
    }
    return h;
  };
  for await (const entry of listing) {
    const place = classifyPath(root, entry.path);
    if (place.kind === 'data') hourOf(place.hour).data.set(entry.path, entry);
    else if (place.kind === 'quarantine') hourOf(place.hour).quarantine.set(entry.path, entry);
    else if (place.kind === 'manifest') {
      hourOf(place.hour).manifests.set(place.revision, entry);
      manifests.push(entry);
    } else if (place.kind === 'stray') hourOf(place.hour).strays.push(entry);
    else if (place.kind === 'other') others.push(entry);
    else if (place.kind === 'owner') owner = entry;
  }
  return { hours, manifests, others, ...(owner ? { owner } : {}) };
}
