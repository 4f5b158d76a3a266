import { hasCode } from '../errors';
import type { Manifest } from '../manifest/manifest';
import type { AuditSource } from '../ports/auditSource';
import { apiCountOf } from './apiCount';
import { manifestProblems } from './checkManifest';
import { partProblems, rangesProblem } from './checkPart';
import { FileScan } from './fileScan';
import type { HourFiles } from './inventory';
import type { LakeEntry, LakeReader } from '../ports/lakeReader';
import { decodeManifest } from './manifestFile';

export interface HourResult {
  hour: number;
  problems: string[];
  /** Part files read, and their bytes. */
  files: number;
  bytes: number;
}

export interface HourDeps {
  reader: LakeReader;
  root: string;
  configId: string;
  /** Manifests the chain found replaced or added. */
  untrusted: ReadonlySet<string>;
  /** The bytes of a manifest, read once for the chain. */
  manifestBytes(path: string): Buffer;
  /** Given with --against-api. */
  api?: AuditSource;
  abortSignal: AbortSignal;
}

/** Checks one hour against its latest manifest: every listed part read whole, every file of the hour listed. */
export async function checkHour(files: HourFiles, deps: HourDeps): Promise<HourResult> {
  const result: HourResult = { hour: files.hour, problems: [], files: 0, bytes: 0 };
  const problems = result.problems;
  const hourFiles = [...files.data.keys(), ...files.strays.map((s) => s.path)].sort();
  const revision = Math.max(0, ...files.manifests.keys());
  const entry = files.manifests.get(revision);
  if (!entry) {
    problems.push(`no manifest, but data files: ${hourFiles.join(', ')}`);
    return result;
  }
  const decoded = decodeManifest(deps.manifestBytes(entry.path));
  if ('problem' in decoded) {
    problems.push(`${entry.path}: not a valid manifest (${decoded.problem})`);
    return result;
  }
  const m = decoded.manifest;
  if (deps.untrusted.has(entry.path)) problems.push(`${entry.path}: not on the hash chain (see the chain lines)`);
  problems.push(...manifestProblems(m, { path: entry.path, root: deps.root, hour: files.hour, revision, configId: deps.configId }));
  for (const part of m.parts) {
    const file = files.data.get(part.path);
    if (!file) problems.push(`${part.path}: missing (listed in ${entry.path} with ${part.events} events)`);
    else await checkPart(part, file, entry.path, deps, result);
  }
  const listed = new Set(m.parts.map((p) => p.path));
  for (const path of hourFiles) if (!listed.has(path)) problems.push(`${path}: not listed in ${entry.path}`);
  if (deps.api) problems.push(...(await countProblems(m, entry.path, files.hour, deps.api, deps.abortSignal)));
  return result;
}

async function checkPart(part: Manifest['parts'][number], file: LakeEntry, manifestPath: string, deps: HourDeps, result: HourResult): Promise<void> {
  const shape = rangesProblem(part);
  if (shape) result.problems.push(`${manifestPath}: ${shape}`);
  const listed = shape ? { ...part, ranges: [] } : part;
  const scan = new FileScan(listed.ranges);
  try {
    for await (const chunk of deps.reader.chunks(file, { abortSignal: deps.abortSignal })) scan.push(chunk);
  } catch (error) {
    // Gone or changed since the listing: said of the file, and the rest of the hour still checked.
    if (!hasCode(error, 'PathNotFound', 'ChangedWhileRead')) throw error;
    result.problems.push(error.code === 'PathNotFound' ? `${part.path}: missing (deleted while verify ran)` : `${part.path}: changed while verify read it`);
    return;
  }
  const scanned = scan.finish();
  result.files += 1;
  result.bytes += scanned.length;
  result.problems.push(...partProblems(listed, scanned));
}

async function countProblems(m: Manifest, manifestPath: string, hour: number, api: AuditSource, abortSignal: AbortSignal): Promise<string[]> {
  const events = m.parts.reduce((n, p) => n + p.events, 0);
  const count = await apiCountOf(api, hour, { abortSignal });
  if (count === undefined) return ['the audit API gave no count for the hour, so it could not be compared'];
  return count === events ? [] : [`the audit API counts ${count} events for the hour now, ${manifestPath} lists ${events}`];
}
