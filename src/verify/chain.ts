import type { Chain } from '../checkpoint/checkpoint';
import { pickPiece, type ChainEntry } from './chainPieces';

type ChainProblemKind = 'deleted' | 'replaced' | 'added' | 'broken' | 'head';

interface ChainProblem {
  kind: ChainProblemKind;
  message: string;
}

export interface ChainReport {
  /** Manifests on the chain, in writing order (oldest first). */
  order: string[];
  problems: ChainProblem[];
  /** Manifests found replaced or added: what their hours rely on is not what the exporter wrote. */
  untrusted: Set<string>;
}

interface Gap {
  /** Who holds the link: a manifest's path, or the head. */
  from: string;
  link: string | undefined;
  /** Where the walk goes on: the manifest at the head's path, or the piece of chain left over. */
  piece: ChainEntry | undefined;
  /** For the head's own link, the path it names: the file that should have been there. */
  headPath?: string;
  atHead?: ChainEntry;
  untrustedFrom: boolean;
  /** The manifest the link points at, when the walk already passed it (a loop). */
  loopTo?: string;
  deletions: number;
}

/** Names a link that points at bytes no manifest has. */
function nameGap(g: Gap): { problem: ChainProblem; replaced?: string } {
  const replaced = (p: ChainEntry) => ({ problem: { kind: 'replaced' as const, message: `${p.path} replaced: its sha256 is ${short(p.sha256)}, but ${g.from} links to ${short(g.link)}` }, replaced: p.path });
  if (g.headPath !== undefined) return g.atHead ? replaced(g.atHead) : { problem: { kind: 'deleted', message: `${g.headPath} deleted: ${g.from} links to it (sha256 ${short(g.link)})` } };
  if (g.loopTo) return { problem: { kind: 'broken', message: `broken link: ${g.from} links to ${g.loopTo}, which is above it on the chain` } };
  if (g.untrustedFrom || g.link === undefined) return { problem: { kind: 'broken', message: `broken link: ${g.from} links to ${g.link === undefined ? 'nothing readable' : `sha256 ${short(g.link)}`}, which no manifest in the lake has` } };
  if (!g.piece || g.deletions > 0) return { problem: { kind: 'deleted', message: `manifest deleted: ${g.from} links to sha256 ${short(g.link)}, which no manifest in the lake has` } };
  return replaced(g.piece);
}

const short = (sha: string | undefined) => (sha ? `${sha.slice(0, 12)}…` : 'an unreadable link');
const HEAD = 'the head in host storage';

/**
 * Follows the links from the head back to the first manifest (previous null). Where a link points at bytes no
 * manifest has, the walk goes on from the piece of chain that is left over (chainPieces.ts), and the gap is named:
 * deleted when the head's count says manifests are missing, replaced otherwise; a gap under a manifest already
 * found replaced is a broken link. Manifests the walk never reaches were added.
 */
export function checkChain(entries: readonly ChainEntry[], head: Chain | undefined): ChainReport {
  const problems: ChainProblem[] = [];
  const untrusted = new Set<string>();
  const order: string[] = [];
  if (!head) {
    if (entries.length > 0) problems.push({ kind: 'head', message: `host storage holds no chain head for this export, so its ${entries.length} manifests cannot be checked against one` });
    return { order, problems, untrusted };
  }
  const bySha = new Map<string, ChainEntry[]>();
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : 1))) bySha.set(e.sha256, [...(bySha.get(e.sha256) ?? []), e]);
  const visited = new Set<ChainEntry>();
  let deletions = Math.max(0, head.manifests - entries.length);
  let link: string | null | undefined = head.head;
  let from: ChainEntry | undefined;
  while (link !== null) {
    let next: ChainEntry | undefined = link === undefined ? undefined : bySha.get(link)?.find((e) => !visited.has(e));
    if (next && !from && next.path !== head.path) problems.push({ kind: 'head', message: `${HEAD} names ${head.path}, but the manifest it links to is ${next.path}` });
    if (!next) {
      // At the head the path is known; further down, the piece of chain that is left over stands in.
      const atHead = from ? undefined : entries.find((e) => e.path === head.path && !visited.has(e));
      const piece = from ? pickPiece(entries, visited) : (atHead ?? pickPiece(entries, visited));
      const gap = nameGap({ from: from?.path ?? HEAD, link, piece, headPath: from ? undefined : head.path, atHead, untrustedFrom: !!from && untrusted.has(from.path), loopTo: link ? bySha.get(link)?.[0]?.path : undefined, deletions });
      problems.push(gap.problem);
      if (gap.replaced) untrusted.add(gap.replaced);
      if (gap.problem.kind === 'deleted') deletions = Math.max(0, deletions - 1);
      if (!piece) break;
      next = piece;
    }
    visited.add(next);
    order.push(next.path);
    from = next;
    link = next.previous;
  }
  for (const e of entries) {
    if (visited.has(e)) continue;
    untrusted.add(e.path);
    problems.push({ kind: 'added', message: `${e.path} added: not on the chain from ${HEAD} (sha256 ${short(e.sha256)})` });
  }
  const clean = problems.length === 0;
  if (clean && order.length !== head.manifests) problems.push({ kind: 'head', message: `${HEAD} counts ${head.manifests} manifests written, the chain holds ${order.length}` });
  return { order: order.reverse(), problems, untrusted };
}
