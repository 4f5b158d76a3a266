// Reads the manifests of an in-memory lake and checks them against its files and against each other, the way an
// auditor's verify does on Azure: for the pipeline tests that kill the export at every step.
import { createHash } from 'node:crypto';
import type { MemoryLake } from '../../src/adapters/memory/memoryLake';
import type { Manifest } from '../../src/manifest/manifest';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The manifests in chain order (first to head), and every way the lake and they disagree. */
export function checkLakeManifests(lake: MemoryLake): { chain: Array<{ manifest: Manifest; sha256: string; path: string }>; problems: string[] } {
  const problems: string[] = [];
  const found = lake.paths().filter((p) => p.includes('/_manifests/')).map((path) => {
    const bytes = lake.read(path)!;
    return { path, sha256: sha(bytes), manifest: JSON.parse(bytes.toString('utf8')) as Manifest };
  });
  // Follow `previous` from the first: one chain through all of them.
  const byPrevious = new Map(found.map((f) => [f.manifest.previous, f]));
  const chain: typeof found = [];
  for (let at = byPrevious.get(null); at && chain.length <= found.length; at = byPrevious.get(at.sha256)) chain.push(at);
  if (chain.length !== found.length) problems.push(`${found.length} manifests, ${chain.length} on the chain`);
  const listed = new Set<string>();
  for (const { manifest, path } of found) {
    for (const part of manifest.parts) {
      listed.add(part.path);
      const bytes = lake.read(part.path);
      if (!bytes) {
        problems.push(`${path}: ${part.path} is missing`);
        continue;
      }
      if (bytes.length !== part.length) problems.push(`${part.path}: ${bytes.length} bytes, manifest says ${part.length}`);
      let at = 0;
      for (const r of part.ranges) {
        if (r.from !== at) problems.push(`${part.path}: ranges not contiguous at ${at}`);
        if (r.sha256 !== sha(bytes.subarray(r.from, r.to))) problems.push(`${part.path}: bytes ${r.from}-${r.to} do not match their sha256`);
        at = r.to;
      }
      if (at !== part.length) problems.push(`${part.path}: ranges end at ${at}, not ${part.length}`);
      const lines = bytes.toString('utf8').split('\n').slice(0, -1);
      if (lines.length !== part.events) problems.push(`${part.path}: ${lines.length} lines, manifest says ${part.events}`);
      const id = (line: string | undefined) => (line ? (JSON.parse(line) as { id: string }).id : '');
      if (id(lines[0]) !== part.firstId || id(lines.at(-1)) !== part.lastId) problems.push(`${part.path}: first or last id differs`);
    }
    const own = new Set<string>();
    for (const q of manifest.quarantine ?? []) {
      if (own.has(q.path)) problems.push(`${path}: ${q.path} is listed twice`);
      own.add(q.path);
      listed.add(q.path);
      const bytes = lake.read(q.path);
      if (!bytes) problems.push(`${path}: ${q.path} is missing`);
      else if (bytes.length !== q.bytes || sha(bytes) !== q.sha256 || bytes.toString('utf8').split('\n').length - 1 !== q.events) problems.push(`${q.path}: not what ${path} lists`);
      if (!q.path.includes(`/_quarantine/year=${manifest.hour.slice(0, 4)}/month=${manifest.hour.slice(5, 7)}/day=${manifest.hour.slice(8, 10)}/hour=${manifest.hour.slice(11, 13)}/`)) problems.push(`${path}: ${q.path} is not in its hour's folder`);
    }
  }
  return { chain, problems: [...problems, ...unlisted(lake, listed, found.map((f) => f.manifest.hour))] };
}

/** Data and quarantine files of a manifested hour that no manifest lists. */
function unlisted(lake: MemoryLake, listed: Set<string>, hours: string[]): string[] {
  const closed = new Set(hours.map((h) => h.slice(0, 13)));
  return lake
    .paths()
    .filter((p) => !p.includes('/_manifests/') && !listed.has(p))
    .filter((p) => {
      const m = /year=(\d{4})\/month=(\d{2})\/day=(\d{2})\/hour=(\d{2})/.exec(p);
      return m !== null && closed.has(`${m[1]}-${m[2]}-${m[3]}T${m[4]}`);
    })
    .map((p) => `${p} is not listed in its hour's manifest`);
}
