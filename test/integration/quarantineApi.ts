// End to end on the local stack, against the sample API serving every Nth event unreadable (the `unreadable` fault:
// a leap second, a numeric id, a time without a zone, no time): the CLI run keeps each such event in a quarantine file
// of its hour, listed by the hour's manifest, writes every other event exactly once, ends `incomplete` (exit 3) and
// says so in its summary, log and status; verify checks the quarantine files like parts; the next run is caught up.
// With EXPORT_INVALID_EVENTS=stop the run is refused at the first such event, as before. Each kind runs in a test
// file of its own (one local stack per file).
import { createHash } from 'node:crypto';
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient } from '../../dev/sas';
import type { Manifest } from '../../src/manifest/manifest';
import { Composition } from '../../src/run/composition';
import { readStatus } from '../../src/status/statusView';
import { hourOf } from '../../src/time/window';
import { cli, summaryOf, type CliResult } from '../support/cli';
import { expectedLine, startHarness, type Harness } from '../support/exporterHarness';
import { quarantineName } from '../../src/lake/layout';

const HOUR = 3600_000;
const START = new Date(hourOf(new Date()).getTime() - 4 * HOUR);
const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Whether the API served this event so that it can be placed. */
function readableOf(kind: 'immuta-uam' | 'immuta-legacy'): (json: string) => boolean {
  return (json) => {
    const e = JSON.parse(json) as { id?: unknown; eventTimestamp?: unknown; dateTime?: unknown };
    if (typeof e.id !== 'string') return false;
    if (kind === 'immuta-legacy') return typeof e.dateTime === 'number' || (typeof e.dateTime === 'string' && /^\d+$/.test(e.dateTime));
    return typeof e.eventTimestamp === 'string' && /(Z|[+-]\d\d:\d\d)$/.test(e.eventTimestamp) && !/:60(\.\d+)?(Z|[+-])/.test(e.eventTimestamp);
  };
}

export function describeQuarantine(kind: 'immuta-uam' | 'immuta-legacy'): void {
describe(`events a ${kind} API serves unreadable go to quarantine, end to end`, () => {
  let h: Harness;
  const printed: string[] = [];
  const env = (root: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    ...exporterEnv(h.stack.info, h.seeded, { EXPORT_START: START.toISOString(), ADLS_PATH: root, AUDIT_PAGE_SIZE: '25', ...extra }),
  });
  const run = async (root: string, args: string[], extra: Record<string, string> = {}): Promise<CliResult> => {
    const r = await cli(args, env(root, extra));
    printed.push(r.stdout, r.stderr);
    return r;
  };

  /** Every file under the root: path → bytes. */
  async function files(root: string): Promise<Map<string, Buffer>> {
    const container = adminClient(h.stack.info).getContainerClient(h.seeded.fileSystem);
    const out = new Map<string, Buffer>();
    for await (const blob of container.listBlobsFlat({ prefix: `${root}/` })) out.set(blob.name, await container.getBlobClient(blob.name).downloadToBuffer());
    return out;
  }
  const hourLines = (all: Map<string, Buffer>, root: string) =>
    [...all].filter(([p]) => !p.startsWith(`${root}/_`)).flatMap(([, b]) => (b.length === 0 ? [] : b.toString('utf8').slice(0, -1).split('\n')));
  const quarantined = (all: Map<string, Buffer>, root: string) => [...all].filter(([p]) => p.startsWith(`${root}/_quarantine/`));

  beforeAll(async () => {
    h = await startHarness({ count: 240, start: START, spanSeconds: 3 * 3600, seed: 29, sameInstant: 2, kind });
    h.stack.auditApi.setFaults({ unreadable: { every: 20 } });
  });
  afterAll(() => h?.stop());
  afterAll(() => {
    const all = printed.join('\n');
    expect(all).not.toMatch(/sig=(?!REDACTED)/);
    expect(all).not.toContain(h.stack.info.auditApiKey);
  });

  it('each unreadable event once in quarantine, every other once in its hour file; incomplete (exit 3); verify OK; the next run caught up', async () => {
    const served = h.apiEvents();
    const readable = readableOf(kind);
    const bad = served.filter((j) => !readable(j));
    expect(bad).toHaveLength(12);

    const first = await run('q-main', ['run']);
    expect(first.code).toBe(3);
    const summary = summaryOf(first.stdout) as unknown as { status: string; source: { quarantined?: number; missing: number; quarantinedHours?: unknown[] } };
    expect(summary.status).toBe('incomplete');
    expect(summary.source).toMatchObject({ quarantined: 12, missing: 0 });
    expect(summary.source.quarantinedHours).toHaveLength(3);

    const all = await files('q-main');
    const lines = hourLines(all, 'q-main');
    expect(lines.length).toBe(new Set(lines).size);
    expect([...lines].sort()).toEqual(served.filter(readable).map(expectedLine).sort());
    const kept = quarantined(all, 'q-main');
    expect(kept.map(([, b]) => b.toString('utf8')).sort()).toEqual(bad.map((j) => `${expectedLine(j)}\n`).sort());
    for (const [path, bytes] of kept) expect(path).toMatch(new RegExp(`^q-main/_quarantine/year=\\d{4}/month=\\d\\d/day=\\d\\d/hour=\\d\\d/event-${quarantineName(bytes)}\\.ndjson$`));

    // The hours' manifests list each file with its sha256, size, events and reason, once.
    const listed = [...all].filter(([p]) => p.startsWith('q-main/_manifests/')).flatMap(([, b]) => (JSON.parse(b.toString('utf8')) as Manifest).quarantine ?? []);
    expect(listed.map((q) => q.path).sort()).toEqual(kept.map(([p]) => p).sort());
    for (const q of listed) expect(q).toMatchObject({ sha256: sha(all.get(q.path)!), bytes: all.get(q.path)!.length, events: 1 });
    expect(new Set(listed.map((q) => q.reason))).toEqual(new Set(['leap-second', 'id', 'time', 'no-time']));

    // The log names each with its hour, reason and id as JSON text; status says how many.
    expect(first.stdout + first.stderr).toMatch(/an event that cannot be placed was put in quarantine.*"reason":"leap-second"/);
    expect(first.stdout + first.stderr).toMatch(/"id":"\\"[^"\\]+\\""/);
    const status = await readStatus(new Composition(h.settings({ ADLS_PATH: 'q-main', EXPORT_START: START.toISOString(), AUDIT_PAGE_SIZE: '25' })), { abortSignal: AbortSignal.timeout(30_000), now: new Date() });
    expect(status.lastRun).toMatchObject({ status: 'incomplete', source: { quarantined: 12 } });

    const checked = await run('q-main', ['verify']);
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).not.toMatch(/FAIL/);

    // Seen: the next run finds them listed already, writes nothing twice, and is caught up.
    const again = await run('q-main', ['run']);
    expect(again.code).toBe(0);
    expect(summaryOf(again.stdout)).toMatchObject({ status: 'caught-up' });
    const after = await files('q-main');
    expect(quarantined(after, 'q-main').map(([p]) => p).sort()).toEqual(kept.map(([p]) => p).sort());
    expect(hourLines(after, 'q-main').sort()).toEqual([...lines].sort());
  });

  it('a quarantine file no manifest lists fails verify, named as such', async () => {
    expect((await run('q-forged', ['run'])).code).toBe(3);
    const container = adminClient(h.stack.info).getContainerClient(h.seeded.fileSystem);
    const hour = new Date(START.getTime()).toISOString();
    const forged = `q-forged/_quarantine/year=${hour.slice(0, 4)}/month=${hour.slice(5, 7)}/day=${hour.slice(8, 10)}/hour=${hour.slice(11, 13)}/event-${sha('forged\n')}.ndjson`;
    await container.getBlockBlobClient(forged).upload('forged\n', 7);
    const checked = await run('q-forged', ['verify']);
    expect(checked.code).not.toBe(0);
    expect(checked.stdout).toContain(`${forged}: a quarantine file no manifest lists (not written by this export, or forged)`);
  });

  it('with EXPORT_INVALID_EVENTS=stop the run is refused at the first one, and writes nothing past it', async () => {
    const r = await run('q-stop', ['run'], { EXPORT_INVALID_EVENTS: 'stop' });
    expect(r.code).not.toBe(0);
    expect(r.code).not.toBe(3);
    expect(r.stderr).toMatch(/the audit API returned an invalid page at .*event \d+ .*(has no valid time|has no usable "id")/);
    const all = await files('q-stop');
    expect(quarantined(all, 'q-stop')).toEqual([]);
  });
});
}
