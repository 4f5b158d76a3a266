import { hasCode } from '../errors';
import { quarantineName } from '../lake/layout';
import { createHash } from 'node:crypto';
import type { Manifest, QuarantineFile } from '../manifest/manifest';
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
  const hourFiles = [...files.data.keys(), ...files.quarantine.keys(), ...files.strays.map((s) => s.path)].sort();
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
  for (const q of m.quarantine ?? []) {
    const file = files.quarantine.get(q.path);
    if (!file) problems.push(`${q.path}: missing (listed in ${entry.path})`);
    else await checkQuarantined(q, file, deps, result);
  }
  const listed = new Set([...m.parts.map((p) => p.path), ...(m.quarantine ?? []).map((q) => q.path)]);
  for (const path of hourFiles) {
    if (listed.has(path)) continue;
    problems.push(files.quarantine.has(path) ? `${path}: a quarantine file no manifest lists (not written by this export, or forged)` : `${path}: not listed in ${entry.path}`);
  }
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

/** A quarantine file read whole: its size, sha256 and events (lines) as its hour's manifest lists them. */
async function checkQuarantined(q: QuarantineFile, file: LakeEntry, deps: HourDeps, result: HourResult): Promise<void> {
  const hash = createHash('sha256');
  const bytes: Buffer[] = []; // one event's line: its value names the file
  let length = 0;
  let lines = 0;
  try {
    for await (const chunk of deps.reader.chunks(file, { abortSignal: deps.abortSignal })) {
      hash.update(chunk);
      bytes.push(chunk);
      length += chunk.length;
      for (let at = chunk.indexOf(NL); at >= 0; at = chunk.indexOf(NL, at + 1)) lines++;
    }
  } catch (error) {
    if (!hasCode(error, 'PathNotFound', 'ChangedWhileRead')) throw error;
    result.problems.push(error.code === 'PathNotFound' ? `${q.path}: missing (deleted while verify ran)` : `${q.path}: changed while verify read it`);
    return;
  }
  result.files += 1;
  result.bytes += length;
  const sha256 = hash.digest('hex');
  if (length !== q.bytes) result.problems.push(`${q.path}: ${length} bytes, the manifest says ${q.bytes}`);
  if (sha256 !== q.sha256) result.problems.push(`${q.path}: its bytes differ from the manifest (sha256 ${sha256.slice(0, 12)}…, manifest ${q.sha256.slice(0, 12)}…)`);
  if (lines !== q.events) result.problems.push(`${q.path}: ${lines} events (lines), the manifest says ${q.events}`);
  const named = /event-([0-9a-f]{64})\.ndjson$/.exec(q.path)?.[1];
  // Bytes as listed, yet not the event the name says: the manifest and the file were made to agree.
  if (sha256 === q.sha256 && named !== quarantineName(Buffer.concat(bytes))) result.problems.push(`${q.path}: its name is not the sha256 of the event it holds`);
}

const NL = 0x0a;

async function countProblems(m: Manifest, manifestPath: string, hour: number, api: AuditSource, abortSignal: AbortSignal): Promise<string[]> {
  // The API counts the events put in quarantine too.
  const events = m.parts.reduce((n, p) => n + p.events, 0) + (m.quarantine ?? []).reduce((n, q) => n + q.events, 0);
  const count = await apiCountOf(api, hour, { abortSignal });
  if (count === undefined) return ['the audit API gave no count for the hour, so it could not be compared'];
  return count === events ? [] : [`the audit API counts ${count} events for the hour now, ${manifestPath} lists ${events}`];
}
