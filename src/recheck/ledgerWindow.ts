import { partOf } from '../lake/layout';
import type { ManifestPart, ManifestRange } from '../manifest/manifest';
import { segmentName, type IdLedger } from '../ports/idLedger';
import { DigestSet } from '../batches/idDigests';

interface Track {
  part: number;
  /** The part's committed ranges in order, which is time order: a part is written in time order. */
  ranges: ManifestRange[];
  next: number;
  loaded: Array<{ range: ManifestRange; ids: DigestSet }>;
}

/**
 * The ids an hour holds around the time being re-read: for each part, only the segments of the batches whose time
 * span covers it, so memory stays a few segments whatever the hour holds. The re-read goes forward in time, and each
 * part was written in time order, so segments are loaded once and dropped once passed. A range without times (written
 * before they were kept) stays loaded throughout.
 */
export class LedgerWindow {
  readonly #tracks: Track[];

  constructor(
    private readonly ledger: IdLedger,
    private readonly hour: string,
    parts: ManifestPart[],
    private readonly options: { abortSignal: AbortSignal },
  ) {
    this.#tracks = parts.map((p) => ({ part: partOf(p.path), ranges: p.ranges.filter((r) => r.sha256 !== ''), next: 0, loaded: [] }));
  }

  /** Segments held now (for tests of the memory bound). */
  get segmentsHeld(): number {
    return this.#tracks.reduce((n, t) => n + t.loaded.length, 0);
  }

  /** Whether the id token b[start..end) of an event at time `t` is among the hour's; times must not go back. */
  async has(t: number, b: Uint8Array, start: number, end: number): Promise<boolean> {
    for (const track of this.#tracks) {
      track.loaded = track.loaded.filter(({ range }) => range.lastAt === undefined || range.lastAt >= t);
      for (; track.next < track.ranges.length; track.next++) {
        const range = track.ranges[track.next]!;
        if (range.firstAt !== undefined && range.firstAt > t) break;
        if (range.lastAt !== undefined && range.lastAt < t) continue;
        const [segment] = await this.ledger.read(this.hour, [segmentName(track.part, range.from, range.to)], this.options);
        track.loaded.push({ range, ids: new DigestSet([segment!]) });
      }
    }
    return this.#tracks.some((track) => track.loaded.some(({ ids }) => ids.has(b, start, end)));
  }
}
