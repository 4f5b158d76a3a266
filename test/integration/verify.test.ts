// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
// Each test writes its own lake (its own ADLS_PATH, so its own checkpoint), tampers with it, and runs the CLI.
import { DataLakeFileSystemClient } from '@azure/storage-file-datalake';
import { exporterEnv } from '../../dev/exporterEnv';
import { fileSystemSas } from '../../dev/sas';
import { hourFilePath } from '../../src/lake/layout';
import { encodeManifest, sha256Hex, type Manifest } from '../../src/manifest/manifest';
import { SecretValue } from '../../src/redact';
import { AdlsLakeReader } from '../../src/adapters/azure/adlsLakeReader';
import { hourOf } from '../../src/time/window';
import { cli, type CliResult } from '../support/cli';
import { startHarness, type Harness } from '../support/exporterHarness';
import { lakeFiles, writeLake, type Lake, type LakeOptions } from '../support/manifestLake';

const HOUR = 3600_000;
const START = new Date(hourOf(new Date()).getTime() - 6 * HOUR);

describe('audit-export verify: the lake against its manifests and their hash chain', () => {
  let h: Harness;
  const printed: string[] = [];
  const env = (root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: root, ...extra }),
  });
  const verify = async (root: string, args: string[] = [], extra: Record<string, string> = {}): Promise<CliResult> => {
    const r = await cli(['verify', ...args], env(root, extra));
    printed.push(r.stdout, r.stderr);
    return r;
  };
  const lake = (root: string, options: Partial<LakeOptions> = {}) => writeLake(h, root, { events: h.apiEvents(), ...options });
  const label = (hour: number) => new Date(hour).toISOString().slice(0, 13);
  /** The line verify printed for an hour (or "chain"), or the chain's lines. */
  const line = (r: CliResult, name: string) => r.stdout.split('\n').find((l) => l.split(' ').filter(Boolean)[1] === name);
  const lines = (r: CliResult, name: string) => r.stdout.split('\n').filter((l) => l.split(' ').filter(Boolean)[1] === name);
  const summary = (r: CliResult) => r.stdout.trim().split('\n').at(-1)!;
  const manifestOf = (l: Lake, hour: number, revision = 1) => l.manifests.find((m) => m.manifest.hour === new Date(hour).toISOString() && m.manifest.revision === revision)!;
  const files = () => lakeFiles(h);

  beforeAll(async () => {
    h = await startHarness({ count: 200, start: START, spanSeconds: 5 * 3600, seed: 43 });
  });
  afterAll(() => h?.stop());

  afterAll(() => {
    // Nothing printed may carry a SAS signature, the API key or the identity's header.
    const all = printed.join('\n');
    expect(all).not.toMatch(/sig=(?!REDACTED)/);
    expect(all).not.toContain(h.stack.info.auditApiKey);
  });

  it('an untouched lake: every hour OK, the chain OK, the hour being exported skipped; exit 0, with --against-api too', async () => {
    const l = await lake('v-ok', { recheck: true, open: true });
    expect(l.hours).toHaveLength(4);
    for (const args of [[], ['--against-api']]) {
      const r = await verify('v-ok', args);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      for (const hour of l.hours) expect(line(r, label(hour))).toBe(`OK  ${label(hour)}`);
      expect(line(r, label(l.hours.at(-1)! + HOUR))).toMatch(/^SKIP \S+ not finished by the export yet \(watermark /);
      expect(line(r, 'chain')).toBe('OK  chain 5 manifests, linked from the head in host storage back to the first');
      const bytes = [...l.files].filter(([p]) => !p.includes(`hour=${label(l.hours.at(-1)! + HOUR).slice(11)}/`)).reduce((n, [, b]) => n + b.length, 0);
      expect(summary(r)).toBe(`verify: 4 hours checked (0 failed, 1 not finished yet), 5 files, ${bytes} bytes, 5 manifests; 0 problems`);
    }
    const some = await verify('v-ok', ['--from', new Date(l.hours[1]! + 1000).toISOString(), '--to', new Date(l.hours[3]!).toISOString()]);
    expect(some.code).toBe(0);
    expect(some.stdout.split('\n').filter((x) => /^(OK|FAIL|SKIP) \d/.test(x.replace(/ +/, ' ')))).toEqual([`OK  ${label(l.hours[1]!)}`, `OK  ${label(l.hours[2]!)}`]);
  });

  it('one byte changed in a part file: that hour fails, naming the file and the range whose sha256 differs', async () => {
    const l = await lake('v-byte');
    const hour = l.hours[1]!;
    const part = manifestOf(l, hour).manifest.parts[0]!;
    const bytes = Buffer.from(l.files.get(part.path)!);
    const at = bytes.indexOf('"actor"', part.ranges[1]!.from) + 2; // a letter inside a key: still JSON, same length
    bytes[at] = bytes[at] === 0x62 ? 0x63 : 0x62;
    await files().put(part.path, bytes);
    const r = await verify('v-byte');
    expect(r.code).toBe(1);
    const range = part.ranges.find((x) => x.from <= at && at < x.to)!;
    expect(line(r, label(hour))).toBe(`FAIL ${label(hour)} ${part.path}: bytes [${range.from}, ${range.to}) differ from the manifest (sha256 ${sha256Hex(bytes.subarray(range.from, range.to)).slice(0, 12)}…, manifest ${range.sha256.slice(0, 12)}…)`);
    for (const other of l.hours.filter((x) => x !== hour)) expect(line(r, label(other))).toBe(`OK  ${label(other)}`);
    expect(line(r, 'chain')).toMatch(/^OK  chain/);
    expect(summary(r)).toMatch(/\(1 failed\).*; 1 problem$/);
  });

  it('a part file deleted, one added to an hour, and a file outside any hour: each named', async () => {
    const l = await lake('v-files', { recheck: true });
    const [h0, h1, h2] = l.hours as [number, number, number];
    const second = manifestOf(l, h0, 2).manifest.parts[1]!.path; // listed only by the second revision
    await files().delete(second);
    const extra = hourFilePath('v-files', new Date(h1), 1);
    await files().put(extra, Buffer.from('{"id":"smuggled"}\n'));
    const note = `${extra.slice(0, extra.lastIndexOf('/'))}/notes.txt`;
    await files().put(note, Buffer.from('hello\n'));
    await files().put('v-files/extra/readme.txt', Buffer.from('hello\n'));
    const r = await verify('v-files');
    expect(r.code).toBe(1);
    expect(line(r, label(h0))).toBe(`FAIL ${label(h0)} ${second}: missing (listed in ${manifestOf(l, h0, 2).path} with ${manifestOf(l, h0, 2).manifest.parts[1]!.events} events)`);
    expect(line(r, label(h1))).toBe(`FAIL ${label(h1)} ${extra}: not listed in ${manifestOf(l, h1).path}; ${note}: not listed in ${manifestOf(l, h1).path}`);
    expect(line(r, label(h2))).toBe(`OK  ${label(h2)}`);
    expect(line(r, 'other')).toBe('FAIL other v-files/extra/readme.txt: not a file the export writes');
    expect(summary(r)).toMatch(/; 4 problems$/);
  });

  it('a manifest deleted: the chain names the link to it, and its hour has data but no manifest', async () => {
    const l = await lake('v-deleted', { recheck: true });
    const h1 = l.hours[1]!;
    const gone = manifestOf(l, h1);
    await files().delete(gone.path);
    const r = await verify('v-deleted');
    expect(r.code).toBe(1);
    expect(line(r, label(h1))).toBe(`FAIL ${label(h1)} no manifest, but data files: ${gone.manifest.parts[0]!.path}`);
    const next = l.manifests[l.manifests.indexOf(gone) + 1]!;
    expect(lines(r, 'chain')).toEqual([`FAIL chain manifest deleted: ${next.path} links to sha256 ${sha256Hex(gone.bytes).slice(0, 12)}…, which no manifest in the lake has`]);

    // The last one written (the head's): its hour falls back to the revision before, which does not list the new part.
    const m = await lake('v-deleted-head', { recheck: true });
    const head = m.manifests.at(-1)!;
    await files().delete(head.path);
    const s = await verify('v-deleted-head');
    expect(s.code).toBe(1);
    expect(lines(s, 'chain')).toEqual([`FAIL chain ${head.path} deleted: the head in host storage links to it (sha256 ${sha256Hex(head.bytes).slice(0, 12)}…)`]);
    expect(line(s, label(m.hours[0]!))).toBe(`FAIL ${label(m.hours[0]!)} ${head.manifest.parts[1]!.path}: not listed in ${manifestOf(m, m.hours[0]!).path}`);
  });

  it('a manifest replaced to cover a changed file: the hour matches it, but the chain does not', async () => {
    const l = await lake('v-replaced', { recheck: true });
    const h2 = l.hours[2]!;
    const target = manifestOf(l, h2);
    const part = target.manifest.parts[0]!;
    const bytes = Buffer.from(l.files.get(part.path)!);
    const at = bytes.indexOf('"actor"') + 2;
    bytes[at] = bytes[at] === 0x62 ? 0x63 : 0x62;
    await files().put(part.path, bytes);
    const ranges = part.ranges.map((x) => ({ ...x, sha256: sha256Hex(bytes.subarray(x.from, x.to)) }));
    const forged = encodeManifest({ ...target.manifest, parts: [{ ...part, ranges }] });
    await files().put(target.path, forged);
    const r = await verify('v-replaced');
    expect(r.code).toBe(1);
    expect(line(r, label(h2))).toBe(`FAIL ${label(h2)} ${target.path}: not on the hash chain (see the chain lines)`);
    const next = l.manifests[l.manifests.indexOf(target) + 1]!;
    expect(lines(r, 'chain')).toEqual([
      `FAIL chain ${target.path} replaced: its sha256 is ${sha256Hex(forged).slice(0, 12)}…, but ${next.path} links to ${sha256Hex(target.bytes).slice(0, 12)}…`,
    ]);
  });

  it('a manifest overwritten with bytes that are no manifest: its hour fails, naming it, and the chain says it was replaced', async () => {
    const l = await lake('v-garbled');
    const h1 = l.hours[1]!;
    const target = manifestOf(l, h1);
    const garbled = Buffer.from('{"format":"something else"}\n');
    await files().put(target.path, garbled);
    const r = await verify('v-garbled');
    expect(r.code).toBe(1);
    expect(line(r, label(h1))).toMatch(new RegExp(`^FAIL ${label(h1)} ${target.path}: not a valid manifest \\(.+\\)$`));
    const next = l.manifests[l.manifests.indexOf(target) + 1]!;
    expect(lines(r, 'chain')).toEqual([
      `FAIL chain ${target.path} replaced: its sha256 is ${sha256Hex(garbled).slice(0, 12)}…, but ${next.path} links to ${sha256Hex(target.bytes).slice(0, 12)}…`,
      `FAIL chain broken link: ${target.path} links to nothing readable, which no manifest in the lake has`,
    ]);
  });

  it('a manifest added (a later revision, linked after the head): not on the chain, and its hour fails', async () => {
    const l = await lake('v-added');
    const h1 = l.hours[1]!;
    const real = manifestOf(l, h1);
    const path = real.path.replace('manifest-r0001.json', 'manifest-r0002.json');
    const forged: Manifest = { ...real.manifest, revision: 2, previous: sha256Hex(l.manifests.at(-1)!.bytes) };
    await files().put(path, encodeManifest(forged));
    const r = await verify('v-added');
    expect(r.code).toBe(1);
    expect(line(r, label(h1))).toBe(`FAIL ${label(h1)} ${path}: not on the hash chain (see the chain lines)`);
    expect(lines(r, 'chain')).toEqual([`FAIL chain ${path} added: not on the chain from the head in host storage (sha256 ${sha256Hex(encodeManifest(forged)).slice(0, 12)}…)`]);
  });

  it('a broken link: a manifest whose link was rewritten is named replaced, and its link broken', async () => {
    const l = await lake('v-link');
    const target = manifestOf(l, l.hours[1]!);
    const elsewhere = sha256Hex(Buffer.from('no such manifest'));
    const edited = encodeManifest({ ...target.manifest, previous: elsewhere });
    await files().put(target.path, edited);
    const r = await verify('v-link');
    expect(r.code).toBe(1);
    const next = l.manifests[l.manifests.indexOf(target) + 1]!;
    expect(lines(r, 'chain')).toEqual([
      `FAIL chain ${target.path} replaced: its sha256 is ${sha256Hex(edited).slice(0, 12)}…, but ${next.path} links to ${sha256Hex(target.bytes).slice(0, 12)}…`,
      `FAIL chain broken link: ${target.path} links to sha256 ${elsewhere.slice(0, 12)}…, which no manifest in the lake has`,
    ]);
  });

  it('a manifest that says another hour or another export than its path: reported, though the chain holds', async () => {
    const l = await lake('v-place', {
      edit: (m, i) => (i === 1 ? { ...m, configId: 'someoneelse00000' } : i === 2 ? { ...m, hour: new Date(Date.parse(m.hour) - HOUR).toISOString() } : m),
    });
    const r = await verify('v-place');
    expect(r.code).toBe(1);
    const [, h1, h2] = l.hours as [number, number, number];
    expect(line(r, label(h1))).toMatch(new RegExp(`^FAIL ${label(h1)} \\S+manifest-r0001\\.json: says export someoneelse00000, this export is [0-9a-f]{16}$`));
    expect(line(r, label(h2))).toBe(`FAIL ${label(h2)} ${l.manifests[2]!.path}: says hour ${new Date(h1).toISOString()}, its path says ${label(h2)}`);
    expect(line(r, 'chain')).toMatch(/^OK  chain/);
  });

  it('--against-api: an hour whose count in the audit API differs from its manifest is reported', async () => {
    const events = h.apiEvents();
    const hourOfEvent = (json: string) => hourOf(new Date(JSON.parse(json).eventTimestamp)).getTime();
    const h1 = hourOfEvent(events[0]!) + HOUR;
    const dropped = events.filter((e) => hourOfEvent(e) === h1).at(-1)!;
    const l = await lake('v-count', { events: events.filter((e) => e !== dropped) });
    const inApi = events.filter((e) => hourOfEvent(e) === h1).length;
    expect((await verify('v-count')).code).toBe(0); // consistent in itself: only the API knows better
    const r = await verify('v-count', ['--against-api']);
    expect(r.code).toBe(1);
    expect(line(r, label(h1))).toBe(`FAIL ${label(h1)} the audit API counts ${inApi} events for the hour now, ${manifestOf(l, h1).path} lists ${inApi - 1}`);
    for (const other of l.hours.filter((x) => x !== h1)) expect(line(r, label(other))).toBe(`OK  ${label(other)}`);
  });

  it('a part larger than one read: read in ranges, and a byte changed past the first 4 MiB found', async () => {
    const hour = START.getTime() - 10 * HOUR;
    const pad = 'p'.repeat(2100);
    const events = Array.from({ length: 2600 }, (_, i) => JSON.stringify({ id: `big-${i}`, eventTimestamp: new Date(hour + i * 1000).toISOString(), pad }));
    const l = await lake('v-large', { events });
    const part = l.manifests[0]!.manifest.parts[0]!;
    expect(part.length).toBeGreaterThan(5 * 1024 * 1024);
    expect((await verify('v-large')).code).toBe(0);
    const bytes = Buffer.from(l.files.get(part.path)!);
    const at = bytes.indexOf('"pad":"', 4.5 * 1024 * 1024) + 10;
    bytes[at] = 0x71;
    await files().put(part.path, bytes);
    const r = await verify('v-large');
    expect(r.code).toBe(1);
    const range = part.ranges.find((x) => x.from <= at && at < x.to)!;
    expect(line(r, label(hour))).toMatch(new RegExp(`^FAIL ${label(hour)} ${part.path}: bytes \\[${range.from}, ${range.to}\\) differ from the manifest \\(sha256 [0-9a-f]{12}…, manifest ${range.sha256.slice(0, 12)}…\\)$`));
  });

  it('a file that changes after it was listed is reported as changed, never read half old, half new', async () => {
    const l = await lake('v-changing');
    const sas = new SecretValue(fileSystemSas(h.stack.info, { fileSystem: h.seeded.fileSystem, policyId: h.seeded.verifyPolicyId }));
    const reader = new AdlsLakeReader({ dfsEndpoint: h.stack.info.dfsEndpoint, fileSystem: h.seeded.fileSystem, sas, where: 'the test SAS' });
    const opts = { abortSignal: AbortSignal.timeout(30_000) };
    const listed = [];
    for await (const entry of reader.list('v-changing', opts)) listed.push(entry);
    const part = listed.find((e) => e.path === l.manifests[0]!.manifest.parts[0]!.path)!;
    const read = async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of reader.chunks(part, opts)) chunks.push(chunk);
      return Buffer.concat(chunks);
    };
    expect((await read()).equals(l.files.get(part.path)!)).toBe(true);
    await files().put(part.path, Buffer.concat([l.files.get(part.path)!, Buffer.from('{"id":"late"}\n')]));
    await expect(read()).rejects.toMatchObject({ code: 'ChangedWhileRead', message: `read ${part.path} at 0: the file changed while verify read it` });
  });

  it('refuses to run without VERIFY_SAS_SECRET_NAME, or with the exporter\'s own secret, saying what SAS it needs (exit 2)', async () => {
    await lake('v-settings');
    const without = await verify('v-settings', [], { VERIFY_SAS_SECRET_NAME: '' });
    expect(without.code).toBe(2);
    expect(without.stdout).toBe('');
    expect(without.stderr).toMatch(/VERIFY_SAS_SECRET_NAME is required for verify: set it to the Key Vault secret that holds a SAS with Read \+ List on the file system \(sp=rl\), bound to its own stored access policy; never the exporter's Create \+ Write SAS/);
    const own = await verify('v-settings', [], { VERIFY_SAS_SECRET_NAME: h.seeded.sasSecretName });
    expect(own.code).toBe(2);
    expect(own.stderr).toMatch(/VERIFY_SAS_SECRET_NAME is "audit-export-sas", the exporter's own SAS \(SAS_SECRET_NAME\)/);
    const usage = await verify('v-settings', ['--from', 'yesterday']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--from must be an ISO-8601 time with a zone/);
    const elsewhere = await cli(['run', '--against-api'], env('v-settings'));
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/--from, --to and --against-api are options of verify/);
  });

  it('the exporter\'s Create + Write SAS cannot list the lake, so verify never falls back to it: refused, exit 2', async () => {
    await lake('v-exporter-sas');
    const fs = h.seeded.fileSystem;
    const exporterSas = fileSystemSas(h.stack.info, { fileSystem: fs, policyId: h.seeded.policyId });
    const client = new DataLakeFileSystemClient(`${h.stack.info.dfsEndpoint}/${fs}?${exporterSas}`);
    await expect(client.listPaths({ path: 'v-exporter-sas', recursive: true }).next()).rejects.toMatchObject({ statusCode: 403 });

    h.stack.vault.setSecret('exporter-sas-copy', exporterSas); // its permissions live in the policy: only storage can say no
    const r = await verify('v-exporter-sas', [], { VERIFY_SAS_SECRET_NAME: 'exporter-sas-copy' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/list audit-output\/v-exporter-sas: 403 \w+: storage refused the SAS in secret "exporter-sas-copy" in Key Vault https:\/\/127\.0\.0\.1:\d+; verify needs a SAS with Read \+ List/);

    h.stack.vault.setSecret('plain-cw-sas', fileSystemSas(h.stack.info, { fileSystem: fs, permissions: 'cw' }));
    const cw = await verify('v-exporter-sas', [], { VERIFY_SAS_SECRET_NAME: 'plain-cw-sas' });
    expect(cw.code).toBe(2);
    expect(cw.stderr).toMatch(/the SAS in secret "plain-cw-sas" .* lacks Read and List permission \(sp=cw\)/);
  });
});
