import type { MemoryLake } from '../../src/adapters/memory/memoryLake';

/** The lines of every hour part file in the in-memory lake, by path: not manifests, quarantine, `_owner` or probes. */
export function partLines(lake: MemoryLake): string[] {
  return lake
    .paths()
    .filter((p) => /\/hour=\d{2}\/audit-[^/]*-part-\d{4}\.ndjson$/.test(p) && !p.includes('/_'))
    .sort()
    .flatMap((p) => lake.read(p)!.toString('utf8').split('\n').slice(0, -1));
}
