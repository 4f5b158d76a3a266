// Crash injection: the exporter CLI runs as a child process against the local stack and is SIGKILLed at seeded
// random points — before, during or after any vault, identity, audit API, lake or checkpoint call — then allowed
// to finish. Afterwards the lake must hold exactly the API's events, each once, in time order. The API misbehaves
// throughout as real ones do: it caps its pages below the size asked and orders equal times differently each time.
// CI runs a reduced count; `npm run test:crash` runs the full one (CRASH_SEEDS, CRASH_KILLS).
import { join } from 'node:path';
import { configId } from '../../src/config/configId';
import { loadSettings } from '../../src/config/settings';
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import { exporterEnv } from '../../dev/exporterEnv';
import { seededRandom } from '../../dev/seededRandom';
import { projectRoot } from '../../dev/paths';
import { adminClient } from '../../dev/sas';
import { startCli, summaryOf } from '../support/cli';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const SEEDS = Number(process.env.CRASH_SEEDS ?? 12);
const KILLS_PER_SEED = Number(process.env.CRASH_KILLS ?? 5);
const CONCURRENCY = 4;
const ROOT = projectRoot();
const TRACE = join(ROOT, 'dist', 'test', 'crash', 'trace.js');
const START = new Date(Date.now() - 5 * 3600_000);

interface ChildResult { code: number | null; killed: boolean; killedAt?: string; stdout: string; stderr: string }

/** Where to kill: as the n-th call to a peer starts (during it) or ends (between it and the next), or after a time. */
type KillPlan = { peer: Peer; phase: 'S' | 'E'; occurrence: number } | { afterMs: number };
type Peer = 'vault' | 'identity' | 'audit-api' | 'lake' | 'checkpoint';
// Roughly how many calls of each kind one run makes with the settings below, so every call can be hit.
const CALLS: Record<Peer, number> = { vault: 2, identity: 1, 'audit-api': 60, lake: 60, checkpoint: 60 };
// Lake and checkpoint calls carry the protocol, so they are aimed at twice as often.
const PEERS: Peer[] = ['vault', 'lake', 'checkpoint', 'identity', 'lake', 'checkpoint', 'audit-api'];

function killPlan(random: () => number, attempt: number, seed: number): KillPlan {
  if (random() < 0.2) return { afterMs: Math.floor(random() * 1500) };
  const peer = PEERS[(seed + attempt) % PEERS.length]!;
  return { peer, phase: random() < 0.5 ? 'S' : 'E', occurrence: Math.floor(random() * CALLS[peer]) };
}

/** Runs the CLI, SIGKILLing it as the plan says; without a plan it runs to the end. */
async function runChild(env: NodeJS.ProcessEnv, plan: KillPlan | undefined, peerOf: (hostPort: string) => string, args = ['run']): Promise<ChildResult> {
  const run = startCli(args, env, { nodeArgs: ['--require', TRACE] });
  const seen = new Map<string, number>();
  let killedAt: string | undefined;
  let pending = '';
  const kill = (at: string) => {
    killedAt = at;
    run.kill();
  };
  const timed = plan && 'afterMs' in plan ? setTimeout(() => kill('at a random time'), plan.afterMs) : undefined;
  run.child.stdout.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (!line.startsWith('TRACE ') || killedAt || !plan || 'afterMs' in plan) continue;
      const [, phase, hostPort] = line.split(' ');
      const key = `${peerOf(hostPort!)} ${phase}`;
      const n = seen.get(key) ?? 0;
      seen.set(key, n + 1);
      if (key === `${plan.peer} ${plan.phase}` && n === plan.occurrence) kill(`${phase === 'S' ? 'during' : 'after'} ${plan.peer}`);
    }
  });
  const result = await run.done;
  clearTimeout(timed);
  return { ...result, killed: killedAt !== undefined && run.child.signalCode === 'SIGKILL', killedAt };
}

describe('crash injection: SIGKILL at any call, then finish', () => {
  let h: Harness;
  const totals = { runs: 0, kills: 0, events: 0, lost: 0, duplicated: 0, shortPages: 0 };
  const killsAt = new Map<string, number>();

  beforeAll(async () => {
    // 480 events over 4 hours, three at each instant: with small pages, batches and parts, a run makes a few hundred calls.
    h = await startHarness({ count: 480, start: START, spanSeconds: 4 * 3600, seed: 21, sameInstant: 3 });
    h.stack.auditApi.setFaults({ pageCap: 15, unstableTies: true });
  });
  afterAll(async () => {
    const where = [...killsAt].sort().map(([k, n]) => `${k} ${n}`).join(', ');
    process.stdout.write(`\ncrash: runs ${totals.runs}, kills ${totals.kills}, events ${totals.events}, lost ${totals.lost}, duplicated ${totals.duplicated}\ncrash: kills by point: ${where}\n`);
    await h?.stop();
  });

  it(`${SEEDS} seeds × up to ${KILLS_PER_SEED} kills: every event lands exactly once, in order`, async () => {
    const info = h.stack.info;
    const peers = new Map<string, string>([
      [new URL(info.keyVaultUrl).host, 'vault'],
      [new URL(info.identityEndpoint).host, 'identity'],
      [new URL(info.auditApiUrl).host, 'audit-api'],
      [new URL(info.dfsEndpoint).host, 'lake'],
      [new URL(info.blobEndpoint).host, 'checkpoint'],
    ]);
    const peerOf = (hostPort: string) => peers.get(hostPort) ?? hostPort;
    const expected = h.apiEvents().map(expectedLine);

    const runSeed = async (seed: number) => {
      const random = seededRandom(seed); // the same seed gives the same kill plan
      const appEnv = exporterEnv(info, h.seeded, {
        EXPORT_START: START.toISOString(),
        ADLS_PATH: `crash/seed-${seed}`,
        AUDIT_PAGE_SIZE: '40',
        EXPORT_BATCH_MAX_BYTES: '12000',
        EXPORT_FILE_MAX_BYTES: '65536',
      });
      const env = { ...process.env, ...appEnv };
      const lease = adminClient(info)
        .getContainerClient(STATE_CONTAINER)
        .getBlobClient(`checkpoints/${configId(loadSettings(appEnv))}.json`)
        .getBlobLeaseClient();
      // A killed run's lease would expire by itself; breaking it stands for that time passing.
      const expireLease = () => lease.breakLease(0).catch(() => undefined);

      for (let attempt = 0; attempt < KILLS_PER_SEED; attempt++) {
        const r = await runChild(env, killPlan(random, attempt, seed), peerOf);
        totals.runs++;
        if (r.killed) {
          totals.kills++;
          killsAt.set(r.killedAt!, (killsAt.get(r.killedAt!) ?? 0) + 1);
          await expireLease();
        } else if (r.code !== 0) {
          throw new Error(`seed ${seed}: a run that was not killed failed (exit ${r.code}):\n${r.stderr}`);
        }
      }
      for (let finish = 0; finish < 3; finish++) {
        const r = await runChild(env, undefined, peerOf);
        totals.runs++;
        if (r.code !== 0) throw new Error(`seed ${seed}: the finishing run failed (exit ${r.code}):\n${r.stderr}`);
        const summary = summaryOf(r.stdout);
        totals.shortPages += summary.source.shortPages;
        if (summary.status === 'caught-up') break;
      }

      const got = allLines(await h.readLake(`crash/seed-${seed}`));
      const seen = new Map<string, number>();
      for (const line of got) seen.set(line, (seen.get(line) ?? 0) + 1);
      totals.events += got.length;
      totals.lost += expected.filter((l) => !seen.has(l)).length;
      totals.duplicated += [...seen.values()].reduce((n, c) => n + c - 1, 0);
      // Every closed hour's manifest is in the lake, true to its files, on one chain: killed mid-manifest or not.
      const verified = await runChild(env, undefined, peerOf, ['verify']);
      if (verified.code !== 0) throw new Error(`seed ${seed}: verify found problems (exit ${verified.code}):\n${verified.stdout}${verified.stderr}`);
      // Equal times may come in any order; otherwise the lines are the API's, in time order.
      expect([...got].sort()).toEqual([...expected].sort());
      const times = got.map((l) => Date.parse((JSON.parse(l) as { eventTimestamp: string }).eventTimestamp));
      expect(times.every((t, i) => i === 0 || t >= times[i - 1]!)).toBe(true);
    };

    const seeds = Array.from({ length: SEEDS }, (_, i) => i + 1);
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      for (let seed = seeds.shift(); seed !== undefined; seed = seeds.shift()) await runSeed(seed);
    });
    await Promise.all(workers);
    expect(totals.kills).toBeGreaterThan(0);
    expect(totals.shortPages).toBeGreaterThan(0); // the page cap was in force
    expect(totals.lost).toBe(0);
    expect(totals.duplicated).toBe(0);
  }, 30 * 60_000);
});
