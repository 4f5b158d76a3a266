import type { ManifestPart } from '../manifest/manifest';
import { eventIdOf } from './eventId';
import { MAX_LINE_BYTES, type ScanResult } from './fileScan';

const short = (sha: string) => `${sha.slice(0, 12)}…`;

/** How a part file, as read, differs from what its manifest lists; each problem names the file. */
export function partProblems(part: ManifestPart, scan: ScanResult): string[] {
  const p = part.path;
  const out: string[] = [];
  if (scan.length !== part.length) out.push(`${p}: ${scan.length} bytes, the manifest says ${part.length}`);
  part.ranges.forEach((r, i) => {
    const got = scan.rangeSha[i];
    if (got === undefined) out.push(`${p}: bytes [${r.from}, ${r.to}) are not all there`);
    else if (got !== r.sha256) out.push(`${p}: bytes [${r.from}, ${r.to}) differ from the manifest (sha256 ${short(got)}, manifest ${short(r.sha256)})`);
  });
  if (scan.lines !== part.events) out.push(`${p}: ${scan.lines} events (lines), the manifest says ${part.events}`);
  if (scan.length > 0 && !scan.endsWithNewline) out.push(`${p}: does not end with a newline`);
  if (part.events > 0) {
    const first = idProblem('first', scan.firstLine, part.firstId);
    const last = idProblem('last', scan.lastLine, part.lastId);
    if (first) out.push(`${p}: ${first}`);
    if (last) out.push(`${p}: ${last}`);
  }
  return out;
}

function idProblem(which: string, line: Buffer | 'long' | undefined, expected: string): string | undefined {
  if (line === undefined) return undefined; // no complete line: the count says so already
  if (line === 'long') return `its ${which} line is longer than ${MAX_LINE_BYTES / 1024 / 1024} MiB, so its id was not checked`;
  const id = eventIdOf(line);
  if (id === undefined) return `its ${which} line has no "id"`;
  return id === expected ? undefined : `${which} event's id is ${JSON.stringify(id)}, the manifest says ${JSON.stringify(expected)}`;
}

/** Why a part's ranges do not run contiguously from 0 to its length, or undefined when they do. */
export function rangesProblem(part: ManifestPart): string | undefined {
  let at = 0;
  for (const r of part.ranges) {
    if (r.from !== at || r.to <= r.from) return `the ranges of ${part.path} do not run contiguously from 0 (at [${r.from}, ${r.to}))`;
    at = r.to;
  }
  return at === part.length ? undefined : `the ranges of ${part.path} end at ${at}, not at its length ${part.length}`;
}
