// Import cycles among the project's own files, type-only imports included. The edges come from the compiler's own
// account of why each file is in the program (`tsc --explainFiles`), so they are resolved exactly as tsc resolves
// them: madge needs TypeScript 5's JavaScript API and knip's cycle check skips type-only imports.

/** importer → the files it imports, for every "Imported via … from file …" line outside node_modules. */
export function importGraph(explainFiles: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  let imported: string | undefined;
  for (const line of explainFiles.split(/\r?\n/)) {
    // A file starts at column 0; the reasons it was included follow, indented.
    if (line !== '' && !/^\s/.test(line)) {
      imported = ownFile(line.trim());
      continue;
    }
    const importer = /^\s+Imported via .+ from file '(.+?)'(?: with packageId '.+')?$/.exec(line)?.[1];
    if (imported === undefined || importer === undefined || ownFile(importer) === undefined) continue;
    if (!graph.has(importer)) graph.set(importer, new Set());
    graph.get(importer)!.add(imported);
  }
  return graph;
}

/**
 * The same graph between folders: `src/pages/a.ts` stands for `src/pages` (files directly in `root` for `root`), so a
 * cycle between folders shows a layer that reaches back into one that depends on it. Only files under `root` count.
 */
export function folderGraph(graph: ReadonlyMap<string, ReadonlySet<string>>, root: string): Map<string, Set<string>> {
  const folderOf = (file: string): string | undefined => {
    if (!file.startsWith(`${root}/`)) return undefined;
    const parts = file.slice(root.length + 1).split('/');
    return parts.length === 1 ? root : `${root}/${parts[0]}`;
  };
  const folders = new Map<string, Set<string>>();
  for (const [importer, imported] of graph) {
    const from = folderOf(importer);
    if (from === undefined) continue;
    for (const file of imported) {
      const to = folderOf(file);
      if (to === undefined || to === from) continue;
      if (!folders.has(from)) folders.set(from, new Set());
      folders.get(from)!.add(to);
    }
  }
  return folders;
}

const ownFile = (path: string): string | undefined => (/(^|\/)node_modules\//.test(path) || path.startsWith('/') ? undefined : path);

/** One cycle, as a path that ends where it starts, for every group of files that import each other (Tarjan). */
export function importCycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string): void => {
    order.set(file, order.size);
    low.set(file, order.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!order.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, order.get(next)!));
      }
    }
    if (low.get(file) !== order.get(file)) return;
    const group = new Set<string>();
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.add(member);
    } while (member !== file);
    if (group.size > 1 || graph.get(file)?.has(file)) cycles.push(pathBack(graph, file, group));
  };
  for (const file of [...graph.keys()].sort()) if (!order.has(file)) visit(file);
  return cycles;
}

/** The shortest path from `start` back to itself within `group` (breadth first). */
function pathBack(graph: ReadonlyMap<string, ReadonlySet<string>>, start: string, group: ReadonlySet<string>): string[] {
  const cameFrom = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const next of graph.get(queue[i]!) ?? []) {
      if (!group.has(next) || cameFrom.has(next)) continue;
      cameFrom.set(next, queue[i]!);
      if (next === start) break;
      queue.push(next);
    }
    if (cameFrom.has(start)) break;
  }
  const path = [start];
  for (let at = cameFrom.get(start)!; at !== start; at = cameFrom.get(at)!) path.unshift(at);
  return [start, ...path];
}
