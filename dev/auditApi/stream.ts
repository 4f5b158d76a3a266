// The merged, ordered event stream: generated events (built on demand) interleaved with extras,
// filtered by visibility, cut into pages. A page costs O(log n + extras in range + size) plus the
// visibility window (see visibility.ts); nothing proportional to the total event count.
import { generateEventJson, generatorContext, type GeneratedEventContext } from './generator';
import type { ExtraEvent, Timeline } from './timeline';
import { VisibilityIndex, lagMs, type Lateness } from './visibility';

export interface PageRequest {
  /** Inclusive. */
  minMs: number;
  /** Exclusive. */
  maxMs: number;
  offset: number;
  size: number;
}

export interface Page {
  /** Visible events in the range. */
  count: number;
  /** The JSON text of each event on the page, in order. */
  hits: string[];
}

function lowerBound(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EventStream {
  private readonly ctx: GeneratedEventContext;
  private readonly visibility: VisibilityIndex;

  constructor(readonly timeline: Timeline) {
    this.ctx = generatorContext(timeline.key);
    this.visibility = new VisibilityIndex(timeline);
  }

  /** JSON text of generated event i; receivedTimestamp depends on the `late` fault. */
  generatedJson(i: number, late: Lateness | undefined): string {
    const t = this.timeline;
    const eventMs = t.timestamp(i);
    return generateEventJson(this.ctx, i, eventMs, eventMs + lagMs(t.key, i, late));
  }

  page(req: PageRequest, nowMs: number, late: Lateness | undefined): Page {
    const t = this.timeline;
    const gen = this.visibility.visibleGenerated(t.firstAtOrAfter(req.minMs), t.firstAtOrAfter(req.maxMs), nowMs, late);
    const { lo, end, hidden } = gen;
    const extras: ExtraEvent[] = [];
    for (let j = t.firstExtraAtOrAfter(req.minMs); j < t.extras.length && t.extras[j].eventMs < req.maxMs; j++) {
      if (t.extras[j].visibleMs <= nowMs) extras.push(t.extras[j]);
    }
    const generatedCount = end - lo - hidden.length;
    const count = generatedCount + extras.length;
    const hits: string[] = [];
    if (req.offset >= count || req.size === 0) return { count, hits };

    // Visible generated events with index < r.
    const visibleBefore = (r: number): number => {
      const x = Math.min(Math.max(r, lo), end);
      return x - lo - lowerBound(hidden, x);
    };
    // Extra j sits at merged position j + visibleBefore(rank); positions increase with j, so
    // binary-search how many extras come before the page.
    let j = 0;
    let hiJ = extras.length;
    while (j < hiJ) {
      const mid = (j + hiJ) >>> 1;
      if (mid + visibleBefore(extras[mid].rank) < req.offset) j = mid + 1;
      else hiJ = mid;
    }
    // The (offset − j)-th visible generated event: step over hidden indices at or below it.
    let x = lo + (req.offset - j);
    let h = 0;
    while (h < hidden.length && hidden[h] <= x) {
      x++;
      h++;
    }
    while (hits.length < req.size) {
      if (j < extras.length && (x >= end || extras[j].rank <= x)) {
        hits.push(extras[j++].json);
      } else if (x < end) {
        hits.push(this.generatedJson(x, late));
        x++;
        while (h < hidden.length && hidden[h] === x) {
          x++;
          h++;
        }
      } else break;
    }
    return { count, hits };
  }

  /** Every event in [minMs, maxMs) regardless of the clock, in order, lazily. */
  *all(minMs: number, maxMs: number, late: Lateness | undefined): Generator<string> {
    const t = this.timeline;
    const end = t.firstAtOrAfter(maxMs);
    let x = t.firstAtOrAfter(minMs);
    let j = t.firstExtraAtOrAfter(minMs);
    for (;;) {
      const extra = j < t.extras.length && t.extras[j].eventMs < maxMs ? t.extras[j] : undefined;
      if (extra && (x >= end || extra.rank <= x)) {
        yield extra.json;
        j++;
      } else if (x < end) {
        yield this.generatedJson(x++, late);
      } else return;
    }
  }
}
