/** One manifest as the chain sees it: its bytes' sha256 and the link it holds (undefined: unreadable). */
export interface ChainEntry {
  path: string;
  sha256: string;
  previous: string | null | undefined;
}

type End = 'first' | 'gap' | 'joins';

/**
 * Where the chain goes on below a gap: the top of a piece of chain the walk has not reached, one no other such
 * manifest links to. A piece that joins the chain above (a fork) is not one: it was added. A piece that ends in a
 * gap of its own comes before one that ends at the first manifest, since it must sit above it; then the longest.
 */
export function pickPiece(entries: readonly ChainEntry[], visited: ReadonlySet<ChainEntry>): ChainEntry | undefined {
  const left = entries.filter((e) => !visited.has(e));
  const bySha = new Map(left.map((e) => [e.sha256, e]));
  const linked = new Set(left.map((e) => e.previous).filter((p): p is string => typeof p === 'string'));
  const visitedShas = new Set([...visited].map((e) => e.sha256));
  let best: { top: ChainEntry; end: End; length: number } | undefined;
  for (const top of left.filter((e) => !linked.has(e.sha256))) {
    const { end, length } = follow(top, bySha, visitedShas);
    if (end === 'joins') continue;
    const better = !best || rank(end) > rank(best.end) || (end === best.end && (length > best.length || (length === best.length && top.path < best.top.path)));
    if (better) best = { top, end, length };
  }
  return best?.top;
}

const rank = (end: End) => (end === 'gap' ? 1 : 0);

function follow(top: ChainEntry, bySha: Map<string, ChainEntry>, visitedShas: Set<string>): { end: End; length: number } {
  const seen = new Set<ChainEntry>();
  for (let e: ChainEntry | undefined = top; ; ) {
    seen.add(e);
    if (e.previous === null) return { end: 'first', length: seen.size };
    if (e.previous !== undefined && visitedShas.has(e.previous)) return { end: 'joins', length: seen.size };
    const next: ChainEntry | undefined = e.previous === undefined ? undefined : bySha.get(e.previous);
    if (!next || seen.has(next)) return { end: 'gap', length: seen.size };
    e = next;
  }
}
