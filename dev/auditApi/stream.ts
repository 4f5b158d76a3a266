// The merged, ordered event stream: generated events (built on demand, or prerendered) interleaved with
// extras, filtered by visibility, cut into pages. A page costs O(log n + extras in range + size) plus the
// visibility window (see visibility.ts); nothing proportional to the total event count.
import { generateEventJson, generatorContext, type GeneratedEventContext } from './generator';
import { RenderedEvents } from './rendered';
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
  /** Events on the page. */
  hits: number;
  /** The page's events as JSON text, in order: each chunk holds one or more events joined by ",". */
  chunks: Buffer[];
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
  private readonly rendered: RenderedEvents | undefined;

  constructor(readonly timeline: Timeline, options: { prerender?: boolean } = {}) {
    this.ctx = generatorContext(timeline.key);
    this.visibility = new VisibilityIndex(timeline);
    this.rendered = options.prerender ? new RenderedEvents(timeline.count, (i) => this.generatedJson(i, undefined)) : undefined;
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
    const chunks: Buffer[] = [];
    if (req.offset >= count || req.size === 0) return { count, hits: 0, chunks };

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
    // Consecutive visible generated events travel as one chunk.
    let hits = 0;
    let run = x;
    const closeRun = () => {
      if (run < x) chunks.push(this.generatedRun(run, x, late));
      run = x;
    };
    while (hits < req.size) {
      if (j < extras.length && (x >= end || extras[j].rank <= x)) {
        closeRun();
        chunks.push(Buffer.from(extras[j++].json));
        hits++;
      } else if (x < end) {
        x++;
        hits++;
        if (h < hidden.length && hidden[h] === x) {
          closeRun();
          while (h < hidden.length && hidden[h] === x) {
            x++;
            h++;
          }
          run = x;
        }
      } else break;
    }
    closeRun();
    return { count, hits, chunks };
  }

  /** Generated events [from, to) joined by ","; the lateness fault changes their bytes, so it renders anew. */
  private generatedRun(from: number, to: number, late: Lateness | undefined): Buffer {
    if (this.rendered && late === undefined) return this.rendered.run(from, to);
    const json: string[] = [];
    for (let i = from; i < to; i++) json.push(this.generatedJson(i, late));
    return Buffer.from(json.join(','));
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
