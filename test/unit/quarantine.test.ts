// The pieces of quarantine one at a time: which events sortAnswer cannot place and why, what the position keeps
// around them, where their files go, how an hour's record and manifest list them, the setting, and what verify makes
// of quarantine files.
import { createHash } from 'node:crypto';
import { advanceCheckpoint, initialCheckpoint, type Quarantined } from '../../src/checkpoint/checkpoint';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { checkSettings } from '../../src/config/settings';
import { exportConfigToEnv, parseExportConfig } from '../../src/config/exportConfig';
import { quarantineName, quarantinePath } from '../../src/lake/layout';
import { manifestOf, recordQuarantine } from '../../src/manifest/hourRecord';
import { encodeManifest, manifestPath, type Manifest } from '../../src/manifest/manifest';
import { readPage, type AuditPage } from '../../src/ndjson/auditPage';
import { advance } from '../../src/pages/advance';
import { startOf } from '../../src/pages/position';
import { DUPLICATE, KNOWN, NEW, QUARANTINE, sortAnswer } from '../../src/pages/sortAnswer';
import { unplaceable } from '../../src/pages/unplaceable';
import type { PageRequest } from '../../src/ports/auditSource';
import type { LakeEntry, LakeReader } from '../../src/ports/lakeReader';
import type { Window } from '../../src/time/window';
import { checkHour, type HourDeps } from '../../src/verify/checkHour';
import { manifestProblems } from '../../src/verify/checkManifest';
import { takeInventory } from '../../src/verify/inventory';
import { classifyPath } from '../../src/verify/lakePaths';

const START = Date.parse('2026-03-01T10:00:00Z');
const window: Window = { start: new Date(START), end: new Date(START + 3600_000) };
const signal = new AbortController().signal;
const at = (s: number) => new Date(START + s * 1000).toISOString();
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

async function pageOf(hits: object[], request: PageRequest, timeKey: 'eventTimestamp' | 'dateTime' = 'eventTimestamp'): Promise<AuditPage> {
  const body = Buffer.from(JSON.stringify({ count: hits.length, hits }));
  return readPage({ fetchAnswer: async (_r, read) => read({ body, timeKey }) }, request, { abortSignal: signal });
}

const request = (from = START - 1, offset = 0, size = 100): PageRequest => ({ window, from: new Date(from), to: window.end, offset, size });

describe('sortAnswer: events that cannot be placed are QUARANTINE, out of the order check', () => {
  it('a leap second, an id that is no string, a time without a zone, no time, a time before what was asked: each with its reason', async () => {
    const asked = request(START + 5000);
    const hits = [
      { id: 'early', eventTimestamp: at(1) },
      { id: 'a', eventTimestamp: at(10) },
      { id: 'leap', eventTimestamp: '2026-03-01T10:00:60Z' },
      { id: 7, eventTimestamp: at(11) },
      { id: '', eventTimestamp: at(11) },
      { eventTimestamp: at(11) },
      { id: 'local', eventTimestamp: '2026-03-01T10:00:12' },
      { id: 'none' },
      { id: 'b', eventTimestamp: at(12) },
    ];
    const page = await pageOf(hits, asked);
    const sorted = sortAnswer(startOf(window), page, asked, window);
    expect([...sorted.kinds]).toEqual([QUARANTINE, NEW, QUARANTINE, QUARANTINE, QUARANTINE, QUARANTINE, QUARANTINE, QUARANTINE, NEW]);
    expect(sorted.fresh).toBe(2);
    const why = [0, 2, 3, 4, 5, 6, 7].map((i) => unplaceable(page, asked, i));
    expect(why).toEqual([
      { reason: 'before-range', id: 'early', time: JSON.stringify(at(1)) },
      { reason: 'leap-second', id: 'leap', time: '"2026-03-01T10:00:60Z"' },
      { reason: 'id', id: '7', time: JSON.stringify(at(11)) },
      { reason: 'id', id: '', time: JSON.stringify(at(11)) },
      { reason: 'id', id: 'undefined', time: JSON.stringify(at(11)) },
      { reason: 'time', id: 'local', time: '"2026-03-01T10:00:12"' },
      { reason: 'no-time', id: 'none', time: 'undefined' },
    ]);
  });

  it('legacy: a dateTime that is no epoch milliseconds cannot be placed', async () => {
    const page = await pageOf([{ id: 'x', dateTime: START + 1 }, { id: 'y', dateTime: 'soon' }, { id: 'z', dateTime: 1.5e12 }, { id: 'w', dateTime: null }], request(), 'dateTime');
    expect([...sortAnswer(startOf(window), page, request(), window).kinds]).toEqual([NEW, QUARANTINE, QUARANTINE, QUARANTINE]);
    expect(unplaceable(page, request(), 3).reason).toBe('time');
  });

  it('the readable events must still be in time order: an answer out of order is refused whole', async () => {
    const page = await pageOf([{ id: 'a', eventTimestamp: at(20) }, { id: 'bad', eventTimestamp: 'x' }, { id: 'b', eventTimestamp: at(10) }], request());
    expect(() => sortAnswer(startOf(window), page, request(), window)).toThrow(/event 2 \(id b\) at .* is out of time order/);
  });

  it('one amid an instant does not split it: another copy of an id at that instant is still a copy', async () => {
    const t = at(30);
    const page = await pageOf([{ id: 'a', eventTimestamp: t }, { id: 1, eventTimestamp: t }, { id: 'a', eventTimestamp: t }, { id: 'b', eventTimestamp: t }], request());
    const sorted = sortAnswer(startOf(window), page, request(), window);
    expect([...sorted.kinds]).toEqual([NEW, QUARANTINE, DUPLICATE, NEW]);
    // The position at that instant keeps every id written there, on both sides of it.
    const after = advance(startOf(window), page, sorted, 4, request());
    expect([...after.ids.keys()].sort()).toEqual(['"a"', '"b"']);
    expect(after).toMatchObject({ at: START + 30_000, written: 2, dropped: 1 });
  });

  it('served again behind the position, it is QUARANTINE again (its file is the same one), never KNOWN', async () => {
    const position = { ...startOf(window), at: START + 40_000, from: START + 39_999, ids: new Map([['"a"', 1]]), written: 1 };
    const asked = request(START + 39_999);
    const page = await pageOf([{ id: 'a', eventTimestamp: at(40) }, { id: null, eventTimestamp: at(40) }, { id: 'c', eventTimestamp: at(41) }], asked);
    expect([...sortAnswer(position, page, asked, window).kinds]).toEqual([KNOWN, QUARANTINE, NEW]);
  });
});

describe('where quarantine files go and how the hour lists them', () => {
  const hash = sha('{"id":1}\n');
  const file = (path: string, window = at(0)): Quarantined => ({ hour: new Date(START).toISOString(), path, bytes: 9, events: 1, sha256: hash, reason: 'id', window });

  it('the folder of the hour of the window it was served in, named by its sha256', () => {
    expect(quarantinePath('immuta-audit/', new Date(START + 59 * 60_000), hash)).toBe(`immuta-audit/_quarantine/year=2026/month=03/day=01/hour=10/event-${hash}.ndjson`);
    expect(() => quarantinePath('x', new Date(START), 'nothex')).toThrow(/not a sha256/);
    expect(classifyPath('immuta-audit', quarantinePath('immuta-audit', new Date(START), hash))).toEqual({ kind: 'quarantine', hour: START, sha256: hash });
    expect(classifyPath('immuta-audit', 'immuta-audit/_quarantine/year=2026/month=03/day=01/hour=10/notes.txt')).toEqual({ kind: 'stray', hour: START });
  });

  it('a file is listed once, however often its event is served, and counts as exported', () => {
    const hour = new Date(START).toISOString();
    const once = recordQuarantine(undefined, hour, file('p1'));
    const twice = recordQuarantine(once, hour, file('p1'));
    expect(twice).toBe(once);
    expect(once).toMatchObject({ exported: 1, quarantine: [{ path: 'p1' }] });
    expect(() => recordQuarantine(once, new Date(START + 3600_000).toISOString(), file('p2'))).toThrow(/while hour/);
  });

  it('the move that closes the hour lists them in its manifest (without the window), and the checkpoint keeps them through its codec', () => {
    const hour = new Date(START).toISOString();
    const c0 = initialCheckpoint(new Date(START));
    const c1 = advanceCheckpoint(c0, { watermark: hour, cursor: undefined, quarantined: [file('audit/q1')] });
    expect(decodeCheckpoint(encodeCheckpoint(c1))).toEqual(c1);
    const withIntent = { ...c1, intent: { file: { path: 'f', hour, part: 0, length: 5 }, create: true, from: 0, to: 5, events: 1, next: { watermark: hour, quarantined: [file('audit/q2')] } } };
    expect(decodeCheckpoint(encodeCheckpoint(withIntent))).toEqual(withIntent);
    const hourDone = { hour, from: hour, apiCount: 3, closes: true, configId: 'c', writtenAt: hour, keepHours: 0, exported: 1, before: 0, beyond: 0 };
    const closed = advanceCheckpoint(c1, { watermark: window.end.toISOString(), quarantined: [file('audit/q2')], hourDone });
    const manifest = closed.pendingManifests![0]!;
    expect(manifest.quarantine).toEqual([
      { path: 'audit/q1', bytes: 9, events: 1, sha256: hash, reason: 'id' },
      { path: 'audit/q2', bytes: 9, events: 1, sha256: hash, reason: 'id' },
    ]);
    expect(manifest.apiCount).toBe(3);
    expect(closed.openHour).toBeUndefined();
    const line = encodeManifest(manifest).toString('utf8');
    expect(line).toContain(`"parts":[],"quarantine":[{"path":"audit/q1","bytes":9,"events":1,"sha256":"${hash}","reason":"id"}`);
    expect(line).not.toContain('window');
  });

  it('a manifest with nothing in quarantine is the same bytes as before quarantine existed (the chain does not change)', () => {
    const m = manifestOf({ hour: new Date(START).toISOString(), parts: [], apiCount: 0 }, { configId: 'c', writtenAt: at(0), previous: null });
    expect(encodeManifest(m).toString('utf8')).toBe(`{"format":"audit-export-manifest/1","configId":"c","hour":"${new Date(START).toISOString()}","revision":1,"parts":[],"apiCount":0,"writtenAt":"${at(0)}","previous":null}\n`);
  });
});

describe('EXPORT_INVALID_EVENTS', () => {
  const base = {
    AUDIT_API_URL: 'https://immuta.example.com', ADLS_ACCOUNT_NAME: 'acct', ADLS_FILE_SYSTEM: 'audit', ADLS_PATH: 'immuta-audit',
    KEY_VAULT_URL: 'https://vault.vault.azure.net', SAS_SECRET_NAME: 'sas', AzureWebJobsStorage: 'UseDevelopmentStorage=true',
  };

  it('quarantine by default; stop on request; anything else named with the choices', () => {
    const mode = (env: Record<string, string>) => {
      const checked = checkSettings(env);
      return checked.problems ? checked.problems : checked.settings.invalidEvents;
    };
    expect(mode(base)).toBe('quarantine');
    expect(mode({ ...base, EXPORT_INVALID_EVENTS: ' stop ' })).toBe('stop');
    expect(checkSettings({ ...base, EXPORT_INVALID_EVENTS: 'skip' }).problems?.map((p) => p.text)).toEqual([
      'EXPORT_INVALID_EVENTS must be quarantine (an event with no valid time or id is kept in ADLS_PATH/_quarantine and the run goes on) or stop (the run stops at it) (got "skip")',
    ]);
  });

  it('the export configuration file sets it as invalidEvents', () => {
    const config = {
      fileSystem: 'audit', path: 'immuta-audit', storageAccount: 'acct',
      sasToken: { keyVaultUrl: 'https://vault.vault.azure.net', secretName: 'sas' }, auditApi: { url: 'https://immuta.example.com' },
    };
    expect(exportConfigToEnv(parseExportConfig(JSON.stringify({ ...config, invalidEvents: 'stop' })))).toMatchObject({ EXPORT_INVALID_EVENTS: 'stop' });
    expect(() => parseExportConfig(JSON.stringify({ ...config, invalidEvents: 'drop' }))).toThrow(/invalidEvents must be quarantine .* or stop/);
  });
});

describe('verify: quarantine files are checked like parts', () => {
  const root = 'audit';
  const hour = new Date(START).toISOString();
  const bytes = Buffer.from('{"id":1,"eventTimestamp":"2026-03-01T10:00:60Z"}\n');
  const qPath = quarantinePath(root, new Date(START), quarantineName(bytes)!);
  const mPath = manifestPath(root, new Date(START), 1);
  const manifest = (quarantine: Manifest['quarantine']): Manifest => ({ format: 'audit-export-manifest/1', configId: 'c', hour, revision: 1, parts: [], quarantine, apiCount: 1, writtenAt: hour, previous: null });
  const listed = { path: qPath, bytes: bytes.length, events: 1, sha256: sha(bytes), reason: 'leap-second' };

  async function verifyHour(files: Record<string, Buffer>, m: Manifest): Promise<string[]> {
    const all: Record<string, Buffer> = { ...files, [mPath]: encodeManifest(m) };
    const entries: LakeEntry[] = Object.entries(all).map(([path, b]) => ({ path, length: b.length, etag: '"e"' }));
    const reader: LakeReader = {
      list: async function* () {
        yield* entries;
      },
      chunks: async function* (entry) {
        const b = all[entry.path]!;
        yield b.subarray(0, 10);
        yield b.subarray(10);
      },
      readAll: async (entry) => all[entry.path]!,
    };
    const inventory = await takeInventory(root, reader.list(root, { abortSignal: signal }));
    const deps: HourDeps = { reader, root, configId: 'c', untrusted: new Set(), manifestBytes: (p) => all[p]!, abortSignal: signal };
    return (await checkHour(inventory.hours.get(START)!, deps)).problems;
  }

  it('a listed file true to its manifest passes', async () => {
    expect(await verifyHour({ [qPath]: bytes }, manifest([listed]))).toEqual([]);
  });

  it('changed bytes, another size, a missing file, and a quarantine file no manifest lists are each named', async () => {
    const changed = Buffer.from(bytes.toString().replace('60Z', '59Z'));
    expect(await verifyHour({ [qPath]: changed }, manifest([listed]))).toEqual([expect.stringMatching(new RegExp(`^${qPath}: its bytes differ from the manifest`))]);
    expect(await verifyHour({ [qPath]: Buffer.concat([bytes, Buffer.from('{}\n')]) }, manifest([listed]))).toEqual([
      `${qPath}: ${bytes.length + 3} bytes, the manifest says ${bytes.length}`,
      expect.stringMatching(/its bytes differ/),
      `${qPath}: 2 events (lines), the manifest says 1`,
    ]);
    expect(await verifyHour({}, manifest([listed]))).toEqual([`${qPath}: missing (listed in ${mPath})`]);
    const forged = quarantinePath(root, new Date(START), sha('forged\n'));
    expect(await verifyHour({ [qPath]: bytes, [forged]: Buffer.from('forged\n') }, manifest([listed]))).toEqual([
      `${forged}: a quarantine file no manifest lists (not written by this export, or forged)`,
    ]);
  });

  it('a quarantine file whose name is not the sha256 of the event it holds is named', async () => {
    const misnamed = quarantinePath(root, new Date(START), sha(bytes));
    expect(await verifyHour({ [misnamed]: bytes }, manifest([{ ...listed, path: misnamed }]))).toEqual([`${misnamed}: its name is not the sha256 of the event it holds`]);
  });

  it('a manifest listing a quarantine file of another hour, under another name, or twice is named', () => {
    const place = { path: mPath, root, hour: START, revision: 1, configId: 'c' };
    const otherHour = quarantinePath(root, new Date(START + 3600_000), sha(bytes));
    expect(manifestProblems(manifest([{ ...listed, path: otherHour }]), place)).toEqual([`${mPath}: lists ${otherHour}, which is not a quarantine file of hour 2026-03-01T10`]);
    expect(manifestProblems(manifest([listed, listed]), place)).toEqual([`${mPath}: lists ${qPath} twice`]);
  });
});
