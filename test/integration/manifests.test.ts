// Hour manifests on the local stack: one per closed hour, true to its files, all on one hash chain whose head
// `status` shows.
import { createHash } from 'node:crypto';
import type { Manifest } from '../../src/manifest/manifest';
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient } from '../../dev/sas';
import { readStatus } from '../../src/status/statusView';
import { cli } from '../support/cli';
import { startHarness, type Harness } from '../support/exporterHarness';
import { Composition } from '../../src/run/composition';

const T0 = new Date('2026-05-01T00:00:00.000Z');
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('hour manifests', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 300, start: T0, spanSeconds: 3 * 3600, seed: 11 });
  });
  afterAll(() => h?.stop());

  it('one per closed hour, written across runs, each listing its files with their lengths, events, ids and hashes, on one chain', async () => {
    const env = { ADLS_PATH: 'manifested', EXPORT_BATCH_MAX_BYTES: '20000' };
    // Two runs: the second hour is closed by the second run, its file written by both.
    await h.run(new Date(T0.getTime() + 90 * 60_000 + 300_000), env);
    const afterFirst = await h.readManifests('manifested');
    expect([...afterFirst.keys()]).toEqual(['manifested/_manifests/year=2026/month=05/day=01/hour=00/manifest-r0001.json']);
    await h.run(new Date(T0.getTime() + 4 * 3600_000), env);

    const manifests = await h.readManifests('manifested');
    const files = await h.readLake('manifested');
    expect([...manifests.keys()].map((p) => p.replace(/.*hour=(\d\d).*/, '$1'))).toEqual(['00', '01', '02']); // 03 is still open (now − lag is 03:55)
    const parsed = [...manifests.values()].map((b) => JSON.parse(b.toString('utf8')) as Manifest);
    let previous: string | null = null;
    for (const [path, bytes] of manifests) {
      const m = JSON.parse(bytes.toString('utf8')) as Manifest;
      expect(m).toMatchObject({ format: 'audit-export-manifest/1', revision: 1, previous });
      expect(path).toContain(`hour=${m.hour.slice(11, 13)}`);
      for (const part of m.parts) {
        const lines = files.get(part.path)!;
        const content = Buffer.from(lines.map((l) => `${l}\n`).join(''));
        expect({ path: part.path, length: content.length, events: lines.length }).toEqual({ path: part.path, length: part.length, events: part.events });
        for (const r of part.ranges) expect(sha(content.subarray(r.from, r.to))).toBe(r.sha256);
        expect([(JSON.parse(lines[0]!) as { id: string }).id, (JSON.parse(lines.at(-1)!) as { id: string }).id]).toEqual([part.firstId, part.lastId]);
      }
      expect(m.apiCount).toBe(m.parts.reduce((n, p) => n + p.events, 0));
      previous = sha(bytes);
    }
    // Every exported file is listed, and the second hour's file was written across the two runs.
    expect(new Set(parsed.flatMap((m) => m.parts.map((p) => p.path)))).toEqual(new Set(files.keys()));
    expect(parsed[1]!.parts[0]!.ranges.length).toBeGreaterThan(1);
    const status = await readStatus(new Composition(h.settings(env)), { abortSignal: AbortSignal.timeout(30_000) });
    expect(status.manifests).toEqual({ head: previous, lastPath: [...manifests.keys()].at(-1), lastWrittenAt: parsed.at(-1)!.writtenAt, count: 3 });

    // What the exporter wrote passes an auditor's verify, and one changed byte does not.
    const cliEnv = { ...process.env, ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: T0.toISOString(), ...env }) };
    const clean = await cli(['verify', '--against-api'], cliEnv);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/^OK {2}2026-05-01T00$/m);
    expect(clean.stdout).toMatch(/^verify: 3 hours checked/m);
    const target = parsed[1]!.parts[0]!.path;
    const blob = adminClient(h.stack.info).getContainerClient(h.seeded.fileSystem).getBlockBlobClient(target);
    const bytes = await blob.downloadToBuffer();
    bytes[100] = bytes[100] === 0x61 ? 0x62 : 0x61;
    await blob.uploadData(bytes);
    const tampered = await cli(['verify'], cliEnv);
    expect(tampered.code).toBe(1);
    expect(tampered.stdout).toMatch(new RegExp(`^FAIL 2026-05-01T01 .*${target.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: bytes \\[0, \\d+\\) differ from the manifest`, 'm'));
  });
});
