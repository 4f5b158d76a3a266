// Pure planning of a flush: which blocks to commit, or why the flush must be refused.
import { decodeBlockId, type BlockRange } from './blockId';

export interface BlockEntry {
  name: string; // base64 block id as listed by Get Block List
  size: number;
}

export type CommittedState = { ok: true; length: number } | { ok: false; code: 'InvalidFlushOperation' };

/** Length of the committed content, if it consists only of gateway blocks laid end to end. */
export function committedState(committed: BlockEntry[], blobLength: number): CommittedState {
  let length = 0;
  for (const block of committed) {
    const range = decodeBlockId(block.name);
    if (!range || range.position !== length || range.length !== block.size) return { ok: false, code: 'InvalidFlushOperation' };
    length += range.length;
  }
  // Content committed without blocks (e.g. a Blob API Put Blob) is not ours to extend.
  return length === blobLength ? { ok: true, length } : { ok: false, code: 'InvalidFlushOperation' };
}

export interface FlushInput {
  committed: BlockEntry[];
  uncommitted: BlockEntry[];
  blobLength: number;
  position: number;
  retainUncommittedData: boolean;
}

export type FlushPlan =
  | { ok: true; committed: string[]; uncommitted: string[]; length: number }
  | { ok: false; code: 'InvalidFlushOperation' | 'InvalidFlushPosition' | 'CannotRetainUncommittedData' };

export function planFlush(input: FlushInput): FlushPlan {
  const state = committedState(input.committed, input.blobLength);
  if (!state.ok) return state;
  if (input.position < state.length) return { ok: false, code: 'InvalidFlushPosition' };

  const staged = stagedByOffset(input.uncommitted, state.length);
  const chain = findChain(staged, state.length, input.position);
  if (!chain) return { ok: false, code: 'InvalidFlushPosition' };

  if (input.retainUncommittedData) {
    const used = new Set(chain);
    for (const blocks of staged.values()) {
      if (blocks.some((b) => !used.has(b.name) && b.position + b.length > input.position)) {
        return { ok: false, code: 'CannotRetainUncommittedData' };
      }
    }
  }
  return { ok: true, committed: input.committed.map((b) => b.name), uncommitted: chain, length: input.position };
}

interface Staged extends BlockRange {
  name: string;
}

/** Gateway blocks at or after `from`, grouped by offset; the most recently staged first. */
function stagedByOffset(uncommitted: BlockEntry[], from: number): Map<number, Staged[]> {
  const byOffset = new Map<number, Staged[]>();
  for (const block of uncommitted) {
    const range = decodeBlockId(block.name);
    if (!range || range.length !== block.size || range.position < from) continue; // foreign or stale: ignored
    const list = byOffset.get(range.position) ?? [];
    list.unshift({ name: block.name, ...range });
    byOffset.set(range.position, list);
  }
  return byOffset;
}

/** Block names covering [from, to) contiguously, or undefined. Iterative depth-first search
 * (50,000 blocks would overflow a recursive one), remembering offsets that lead nowhere. */
function findChain(staged: Map<number, Staged[]>, from: number, to: number): string[] | undefined {
  const deadEnds = new Set<number>();
  const path: Staged[] = [];
  const next: number[] = [0]; // per depth: index of the next candidate to try
  let offset = from;
  for (;;) {
    if (offset === to) return path.map((b) => b.name);
    const candidates = staged.get(offset) ?? [];
    let i = next[next.length - 1]!;
    let advanced = false;
    while (i < candidates.length) {
      const block = candidates[i++]!;
      const end = offset + block.length;
      if (end > to || deadEnds.has(end)) continue;
      next[next.length - 1] = i;
      path.push(block);
      next.push(0);
      offset = end;
      advanced = true;
      break;
    }
    if (advanced) continue;
    deadEnds.add(offset);
    next.pop();
    const last = path.pop();
    if (!last) return undefined;
    offset -= last.length;
  }
}
