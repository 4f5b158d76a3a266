// A lake as the exporter will leave it once it writes manifests: hour files, their manifests on one hash chain, and
// the chain head in the checkpoint. Written with the account key (files) and the checkpoint store (head), so verify
// can be tested before the exporter writes manifests itself.
import { adminClient } from '../../dev/sas';
import { initialCheckpoint } from '../../src/checkpoint/checkpoint';
import { Composition } from '../../src/run/composition';
import { configId } from '../../src/config/configId';
import { hourFilePath } from '../../src/lake/layout';
import { MANIFEST_FORMAT, encodeManifest, manifestPath, sha256Hex, type Manifest, type ManifestPart } from '../../src/manifest/manifest';
import { hourOf } from '../../src/time/window';
import { expectedLine, type Harness } from './exporterHarness';

const HOUR = 3600_000;
/** Lines per committed range (one batch: one intent, one flush). */
const RANGE_LINES = 7;

export interface LakeOptions {
  /** The events (JSON as the API serves them), in order. */
  events: string[];
  /** The first hour's last events go into a second part, listed by a second revision written last (a re-check). */
  recheck?: boolean;
  /** The last hour is the one being exported: its file but no manifest, the watermark inside it. */
  open?: boolean;
  /** Changes a manifest before it is encoded and chained (index in writing order). */
  edit?: (m: Manifest, index: number) => Manifest;
}

interface WrittenManifest {
  path: string;
  bytes: Buffer;
  manifest: Manifest;
}

export interface Lake {
  root: string;
  /** Hour starts (ms) with manifests, in order. */
  hours: number[];
  /** In writing order, each linking to the one before. */
  manifests: WrittenManifest[];
  /** Part files by path. */
  files: Map<string, Buffer>;
  watermark: Date;
}

export function lakeFiles(h: Harness) {
  const container = adminClient(h.stack.info).getContainerClient(h.seeded.fileSystem);
  return {
    put: (path: string, bytes: Buffer) => container.getBlockBlobClient(path).upload(bytes, bytes.length),
    get: (path: string) => container.getBlobClient(path).downloadToBuffer(),
    delete: (path: string) => container.getBlobClient(path).delete(),
  };
}

const eventHour = (json: string) => hourOf(new Date((JSON.parse(json) as { eventTimestamp: string }).eventTimestamp)).getTime();

function partOf(path: string, lines: string[]): { part: ManifestPart; bytes: Buffer } {
  const ranges = [];
  const chunks: Buffer[] = [];
  for (let i = 0, at = 0; i < lines.length; i += RANGE_LINES) {
    const bytes = Buffer.from(lines.slice(i, i + RANGE_LINES).map((l) => `${l}\n`).join(''));
    ranges.push({ from: at, to: at + bytes.length, sha256: sha256Hex(bytes) });
    chunks.push(bytes);
    at += bytes.length;
  }
  const bytes = Buffer.concat(chunks);
  const id = (line: string) => (JSON.parse(line) as { id: string }).id;
  return { part: { path, length: bytes.length, events: lines.length, firstId: id(lines[0]!), lastId: id(lines.at(-1)!), ranges }, bytes };
}

/** Writes the lake under `root` and sets the chain head (and watermark) in the checkpoint of that export. */
export async function writeLake(h: Harness, root: string, options: LakeOptions): Promise<Lake> {
  const settings = h.settings({ ADLS_PATH: root });
  const byHour = new Map<number, string[]>();
  for (const json of options.events) byHour.set(eventHour(json), [...(byHour.get(eventHour(json)) ?? []), expectedLine(json)]);
  const allHours = [...byHour.keys()].sort((a, b) => a - b);
  const hours = options.open ? allHours.slice(0, -1) : allHours;
  const files = new Map<string, Buffer>();
  const pending: Array<{ hour: number; revision: number; parts: ManifestPart[] }> = [];
  let recheck: { hour: number; parts: ManifestPart[] } | undefined;
  for (const hour of allHours) {
    const lines = byHour.get(hour)!;
    const split = options.recheck && hour === allHours[0] ? lines.length - 3 : lines.length;
    const first = partOf(hourFilePath(root, new Date(hour), 0), lines.slice(0, split));
    files.set(first.part.path, first.bytes);
    if (!hours.includes(hour)) continue;
    pending.push({ hour, revision: 1, parts: [first.part] });
    if (split < lines.length) {
      const second = partOf(hourFilePath(root, new Date(hour), 1), lines.slice(split));
      files.set(second.part.path, second.bytes);
      recheck = { hour, parts: [first.part, second.part] };
    }
  }
  if (recheck) pending.push({ hour: recheck.hour, revision: 2, parts: recheck.parts });

  const manifests: WrittenManifest[] = [];
  for (const [index, p] of pending.entries()) {
    const written: Manifest = {
      format: MANIFEST_FORMAT, configId: configId(settings), hour: new Date(p.hour).toISOString(), revision: p.revision, parts: p.parts,
      apiCount: p.parts.reduce((n, part) => n + part.events, 0), writtenAt: new Date(p.hour + HOUR + 600_000 + index * 1000).toISOString(),
      previous: manifests.length === 0 ? null : sha256Hex(manifests.at(-1)!.bytes),
    };
    const manifest = options.edit ? options.edit(written, index) : written;
    manifests.push({ path: manifestPath(root, new Date(p.hour), p.revision), bytes: encodeManifest(manifest), manifest });
  }

  const lake = lakeFiles(h);
  for (const [path, bytes] of files) await lake.put(path, bytes);
  for (const m of manifests) await lake.put(m.path, m.bytes);
  await lake.put(`${root}/_probe/connection-test.txt`, Buffer.from('connection test\n'));
  const watermark = new Date(options.open ? allHours.at(-1)! + HOUR / 2 : allHours.at(-1)! + HOUR);
  await setHead(h, root, watermark, manifests.at(-1), manifests.length);
  return { root, hours, manifests, files, watermark };
}

/** Puts the chain head (and the watermark) in the export's checkpoint, as the exporter does, under its lease. */
async function setHead(h: Harness, root: string, watermark: Date, last: WrittenManifest | undefined, manifests: number): Promise<void> {
  const store = new Composition(h.settings({ ADLS_PATH: root })).checkpoints();
  const abortSignal = AbortSignal.timeout(30_000);
  const { stored, lease } = await store.acquire(initialCheckpoint(watermark), { abortSignal });
  try {
    const { chain: _old, ...rest } = stored.checkpoint;
    const chain = last && { head: sha256Hex(last.bytes), path: last.path, writtenAt: last.manifest.writtenAt, manifests };
    await store.save({ ...rest, watermark: watermark.toISOString(), ...(chain ? { chain } : {}) }, stored.etag, { abortSignal });
  } finally {
    await lease.release();
  }
}
