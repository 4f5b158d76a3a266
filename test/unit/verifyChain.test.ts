import { createHash } from 'node:crypto';
import { checkChain } from '../../src/verify/chain';
import type { ChainEntry } from '../../src/verify/chainPieces';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const path = (i: number) => `root/_manifests/m${i}.json`;

/** n manifests in writing order, each linking to the one before; the head names the last. */
function chainOf(n: number): { entries: ChainEntry[]; head: { head: string; path: string; writtenAt: string; manifests: number } } {
  const entries: ChainEntry[] = [];
  for (let i = 0; i < n; i++) entries.push({ path: path(i), sha256: sha(`manifest ${i}`), previous: i === 0 ? null : entries[i - 1]!.sha256 });
  return { entries, head: { head: entries[n - 1]!.sha256, path: path(n - 1), writtenAt: '2026-12-01T00:00:00.000Z', manifests: n } };
}
const kinds = (r: ReturnType<typeof checkChain>) => r.problems.map((p) => p.kind);

describe('the manifests hash chain', () => {
  it('an intact chain: no problem, ordered by its links whatever the listing order', () => {
    const { entries, head } = chainOf(5);
    const r = checkChain([...entries].reverse(), head);
    expect(r.problems).toEqual([]);
    expect(r.order).toEqual([0, 1, 2, 3, 4].map(path));
  });

  it('a manifest deleted in the middle: named from the manifest that links to it', () => {
    const { entries, head } = chainOf(5);
    const r = checkChain(entries.filter((_, i) => i !== 2), head);
    expect(kinds(r)).toEqual(['deleted']);
    expect(r.problems[0]!.message).toBe(`manifest deleted: ${path(3)} links to sha256 ${entries[2]!.sha256.slice(0, 12)}…, which no manifest in the lake has`);
    expect(r.order).toEqual([0, 1, 3, 4].map(path));
  });

  it('a manifest replaced: its bytes no longer match the link to it', () => {
    const { entries, head } = chainOf(5);
    const changed = entries.map((e, i) => (i === 2 ? { ...e, sha256: sha('forged') } : e));
    const r = checkChain(changed, head);
    expect(kinds(r)).toEqual(['replaced']);
    expect(r.problems[0]!.message).toMatch(new RegExp(`^${path(2)} replaced: its sha256 is ${sha('forged').slice(0, 12)}…, but ${path(3)} links to`));
    expect([...r.untrusted]).toEqual([path(2)]);
  });

  it('a manifest added, with or without a plausible link: not on the chain', () => {
    const { entries, head } = chainOf(3);
    const forged = [
      { path: 'root/_manifests/after-head.json', sha256: sha('a'), previous: head.head },
      { path: 'root/_manifests/fork.json', sha256: sha('b'), previous: entries[0]!.sha256 },
      { path: 'root/_manifests/loose.json', sha256: sha('c'), previous: sha('nowhere') },
    ];
    const r = checkChain([...entries, ...forged], head);
    expect(kinds(r)).toEqual(['added', 'added', 'added']);
    expect([...r.untrusted].sort()).toEqual(forged.map((f) => f.path).sort());
  });

  it('a link edited: the manifest is replaced and its link broken; the rest of the chain is not blamed', () => {
    const { entries, head } = chainOf(5);
    const edited = entries.map((e, i) => (i === 3 ? { ...e, sha256: sha('edited'), previous: sha('elsewhere') } : e));
    const r = checkChain(edited, head);
    expect(kinds(r)).toEqual(['replaced', 'broken']);
    expect(r.problems[0]!.message).toMatch(new RegExp(`^${path(3)} replaced`));
    expect(r.problems[1]!.message).toBe(`broken link: ${path(3)} links to sha256 ${sha('elsewhere').slice(0, 12)}…, which no manifest in the lake has`);
    expect([...r.untrusted]).toEqual([path(3)]);
  });

  it('the head: its manifest deleted or replaced is named by the path the head keeps', () => {
    const { entries, head } = chainOf(3);
    const gone = checkChain(entries.slice(0, 2), head);
    expect(gone.problems.map((p) => p.message)).toEqual([`${path(2)} deleted: the head in host storage links to it (sha256 ${head.head.slice(0, 12)}…)`]);
    const replaced = checkChain([...entries.slice(0, 2), { ...entries[2]!, sha256: sha('x') }], head);
    expect(kinds(replaced)).toEqual(['replaced']);
    expect(replaced.problems[0]!.message).toMatch(/but the head in host storage links to/);
  });

  it('the first manifest deleted, a link that loops, no head at all', () => {
    const { entries, head } = chainOf(3);
    expect(kinds(checkChain(entries.slice(1), head))).toEqual(['deleted']);
    const loop = entries.map((e, i) => (i === 0 ? { ...e, previous: entries[2]!.sha256 } : e));
    expect(checkChain(loop, head).problems.map((p) => p.message)).toEqual([`broken link: ${path(0)} links to ${path(2)}, which is above it on the chain`]);
    expect(kinds(checkChain(entries, undefined))).toEqual(['head']);
    expect(checkChain([], undefined).problems).toEqual([]);
  });

  it('a head that counts more manifests than its chain holds', () => {
    const { entries, head } = chainOf(3);
    expect(checkChain(entries, { ...head, manifests: 4 }).problems.map((p) => p.message)).toEqual(['the head in host storage counts 4 manifests written, the chain holds 3']);
  });
});
