import { linkedSignal } from '../abort/linkedSignal';
import { VERIFY_API_RETRY, VERIFY_VAULT_TIMEOUT_MS } from '../config/defaults';
import { silentLogger } from '../ports/logger';
import type { Composition } from '../run/composition';
import { ExportError } from '../errors';
import { sha256Hex } from '../manifest/manifest';
import { hourOf } from '../time/window';
import { checkChain } from './chain';
import type { ChainEntry } from './chainPieces';
import { checkHour } from './checkHour';
import { lakeView } from './lakeView';
import { previousOf } from './manifestFile';
import { chainLines, hourLine, lostHourLine, openHourLine, otherLine, ownerLine, summaryLine, type Totals } from './report';
import { lostOf, recordedHours, type RecordedHour } from './recordedHours';
import type { Checkpoint } from '../checkpoint/checkpoint';
import type { LakeEntry, LakeReader } from '../ports/lakeReader';
import { checkVerifySas, verifySasSecretName } from './verifySas';

/** A manifest lists an hour's parts and their ranges: far below this; a larger one is refused, not held. */
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** The owner file is one short JSON line. */
const MAX_OWNER_BYTES = 64 * 1024;

export interface VerifyOptions {
  /** Hours from the one holding `from`, up to `to` (exclusive); default all hours with files or manifests. */
  from?: Date;
  to?: Date;
  /** Also compare each hour's count in the audit API now with its manifest's events. */
  againstApi?: boolean;
  abortSignal: AbortSignal;
  out(line: string): void;
  warn(line: string): void;
}

/** Checks the lake against its manifests and their hash chain; prints one line per hour. Returns the totals. */
export async function verifyExport(root: Composition, options: VerifyOptions): Promise<Totals> {
  const { settings, secrets } = root;
  const opts = { abortSignal: options.abortSignal };
  const secretName = verifySasSecretName(settings);
  const where = `secret "${secretName}" in Key Vault ${settings.keyVaultUrl}`;
  // The SDK bounds no vault or identity call by time: the secrets are read under a time-out of our own.
  const vault = linkedSignal(options.abortSignal, { timeoutMs: VERIFY_VAULT_TIMEOUT_MS });
  let sas, api;
  try {
    sas = await secrets.getSecret(secretName, { abortSignal: vault.signal });
    api = options.againstApi ? root.auditSource({ apiKey: await root.apiKey({ abortSignal: vault.signal }), logger: silentLogger, retry: VERIFY_API_RETRY, pageBuffers: 1 }) : undefined;
  } finally {
    vault.dispose();
  }
  const verdict = checkVerifySas(sas.value.reveal(), root.clock.now(), where);
  if (verdict.errors.length > 0) throw new ExportError('VerifySasInvalid', verdict.errors.join('; '), { kind: 'permanent' });
  for (const warning of verdict.warnings) options.warn(warning);

  const reader = root.lakeReader(sas.value, where);
  const { inventory, checkpoint } = await lakeView(root.checkpoints(), reader, settings.path, opts);
  const selected = [...inventory.hours.values()].filter((h) => inRange(h.hour, options)).sort((a, b) => a.hour - b.hour);
  const latest = new Set(selected.map((h) => h.manifests.get(Math.max(0, ...h.manifests.keys()))?.path));

  // Every manifest is read for the chain; only the bytes the hours need are kept.
  const kept = new Map<string, Buffer>();
  const entries: ChainEntry[] = [];
  for (const entry of inventory.manifests) {
    const bytes = await reader.readAll(entry, MAX_MANIFEST_BYTES, opts);
    if (latest.has(entry.path)) kept.set(entry.path, bytes);
    entries.push({ path: entry.path, sha256: sha256Hex(bytes), previous: previousOf(bytes) });
  }
  const chain = checkChain(entries, checkpoint?.chain);

  const totals: Totals = { hours: 0, failed: 0, open: 0, files: 0, bytes: 0, manifests: entries.length, problems: 0 };
  const openFrom = checkpoint ? hourOf(new Date(checkpoint.watermark)).getTime() : Infinity;
  // An hour the export has closed but whose manifest it has not written yet (it is saved as due first) is open too.
  const due = new Set((checkpoint?.pendingManifests ?? []).map((m) => Date.parse(m.hour)));
  const deps = { reader, root: settings.path, configId: root.configId, untrusted: chain.untrusted, manifestBytes: (p: string) => kept.get(p)!, api, abortSignal: options.abortSignal };
  const recorded = recordedHours(checkpoint);
  for (const files of selected) {
    const lost = recorded.has(files.hour) ? lostOf(recorded.get(files.hour)!, files) : [];
    if (files.manifests.size === 0 && (files.hour >= openFrom || due.has(files.hour)) && lost.length === 0) {
      totals.open += 1;
      options.out(openHourLine(files.hour, checkpoint!.watermark));
      continue;
    }
    if (files.manifests.size === 0 && lost.length > 0) {
      lostHour(recorded.get(files.hour)!, lost, totals, options);
      continue;
    }
    const result = await checkHour(files, deps);
    totals.hours += 1;
    totals.files += result.files;
    totals.bytes += result.bytes;
    totals.problems += result.problems.length;
    if (result.problems.length > 0) totals.failed += 1;
    options.out(hourLine(result));
  }
  // Hours the checkpoint records of which the lake holds nothing at all: named, with their events.
  for (const r of [...recorded.values()].sort((a, b) => a.hour - b.hour)) {
    const lost = inventory.hours.has(r.hour) || !inRange(r.hour, options) ? [] : lostOf(r, undefined);
    if (lost.length > 0) lostHour(r, lost, totals, options);
  }
  const owner = await ownerProblem(inventory.owner, checkpoint, reader, root.configId, opts);
  if (owner) {
    options.out(ownerLine(owner.path, owner.problem));
    if (owner.problem) totals.problems += 1;
  }
  for (const line of chainLines(chain)) options.out(line);
  for (const other of inventory.others) options.out(otherLine(other.path));
  totals.problems += chain.problems.length + inventory.others.length;
  options.out(summaryLine(totals));
  return totals;
}

function lostHour(r: RecordedHour, lost: string[], totals: Totals, options: Pick<VerifyOptions, 'out'>): void {
  totals.hours += 1;
  totals.failed += 1;
  totals.problems += lost.length;
  options.out(lostHourLine(r.hour, r.events, lost));
}

/** The owner file's line: whose claim it is, or that a claimed path lost it; none for an export from before claims. */
async function ownerProblem(entry: LakeEntry | undefined, c: Checkpoint | undefined, reader: LakeReader, configId: string, opts: { abortSignal: AbortSignal }) {
  if (!entry) {
    if (!c?.claim) return undefined;
    return { path: c.claim.path, problem: `missing, though this export claimed the path at ${c.claim.claimedAt}: the path was emptied or replaced` };
  }
  const owner = ownerOf(await reader.readAll(entry, MAX_OWNER_BYTES, opts));
  if (owner === undefined) return { path: entry.path, problem: 'not an owner file this exporter writes' };
  if (owner !== configId) return { path: entry.path, problem: `the path belongs to configId ${JSON.stringify(owner)}, not this configuration (configId ${configId}): only the owner writes here` };
  return { path: entry.path, problem: undefined };
}

function ownerOf(bytes: Buffer): string | undefined {
  try {
    const id = (JSON.parse(bytes.toString('utf8')) as { configId?: unknown }).configId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function inRange(hour: number, { from, to }: Pick<VerifyOptions, 'from' | 'to'>): boolean {
  return (!from || hour >= hourOf(from).getTime()) && (!to || hour < to.getTime());
}
