// `npm run -s build && node dist/bench/httpClient.bench.js [--events N] [--rounds R] [--skip-checks]`: can
// @azure/core-rest-pipeline carry the audit API client? Starts the sample audit API (loopback, prerendered, in this
// process) and has a child process per client fetch every page, 1000 events each, 8 ahead:
//   (a) HttpGetter (src/adapters/auditApi/httpGet.ts), bodies read into PageBuffers — today's client;
//   (b) core-rest-pipeline, 2xx bodies as streams (streamResponseStatusCodes) read into the same PageBuffers;
//   (b') the same through a pipeline with no policy but decompression: what the SDKs' other policies cost;
//   (c) core-rest-pipeline, bodyAsText then Buffer.from — the simple way.
// First an untimed round with a sha256 of every body (all must agree), then R timed rounds, the order of the
// clients rotating each round because this machine is shared; medians and ranges at the end. Before all that,
// bench/httpClient/checks.ts prints how each client handles what the audit source relies on. docs/benchmarks.md
// has the figures and the conclusion.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startAuditApi } from '../dev/auditApi';
import { projectRoot } from '../dev/paths';
import { ownCpuSeconds } from './cpu';
import { runChecks } from './httpClient/checks';
import { RESULT_PREFIX, type PagesResult } from './httpClient/pages';
import { runMeasured } from './measuredChild';
import { median } from './median';
import { deployedNodeArguments } from './nodeArguments';

const BENCH = join(projectRoot(), 'dist', 'bench');
const VARIANTS = [
  { label: '(a) HttpGetter → PageBuffers', args: [join(BENCH, 'httpClient', 'runGetter.js')] },
  { label: '(b) pipeline, stream → PageBuffers', args: [join(BENCH, 'httpClient', 'runPipeline.js'), '--body', 'stream'] },
  { label: "(b') bare pipeline, stream → PageBuffers", args: [join(BENCH, 'httpClient', 'runPipeline.js'), '--body', 'stream', '--bare'] },
  { label: '(c) pipeline, bodyAsText → Buffer.from', args: [join(BENCH, 'httpClient', 'runPipeline.js'), '--body', 'text'] },
] as const;

interface Run extends PagesResult { rssKiB: number; serverCpuMs: number }

async function runChild(args: readonly string[], nodeArgs: string[], pageArgs: string[]): Promise<Run> {
  const serverCpu = ownCpuSeconds();
  const child = await runMeasured([...args, ...pageArgs], { nodeArgs });
  const line = child.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (child.code !== 0 || !line || child.rssKiB === 0) throw new Error(`${args.join(' ')} failed (exit ${child.code}):\n${child.stderr.slice(-2000)}`);
  return { ...(JSON.parse(line.slice(RESULT_PREFIX.length)) as PagesResult), rssKiB: child.rssKiB, serverCpuMs: (ownCpuSeconds() - serverCpu) * 1000 };
}

function spread(xs: number[], digits = 0): string {
  const m = median(xs);
  return `${m.toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}, ±${((50 * (Math.max(...xs) - Math.min(...xs))) / m).toFixed(0)} %)`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { events: { type: 'string' }, rounds: { type: 'string' }, 'skip-checks': { type: 'boolean' } } });
  const events = Number(values.events ?? 300_000);
  const rounds = Number(values.rounds ?? 5);
  if (!Number.isInteger(events) || events < 1000) throw new Error(`--events must be a whole number of at least 1000, got "${values.events}"`);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 20) throw new Error(`--rounds must be a whole number from 1 to 20, got "${values.rounds}"`);

  if (!values['skip-checks']) await runChecks();

  const spanSeconds = 24 * 3600;
  const start = new Date(Date.now() - 15 * 60_000 - spanSeconds * 1000);
  console.log(`bench: sample audit API with ${events} events, prerendered`);
  const api = await startAuditApi({ events: { count: events, start, spanSeconds, seed: 42, prerender: true } });
  try {
    const nodeArgs = (await deployedNodeArguments()).split(' ').filter(Boolean);
    console.log(`bench: client Node arguments: ${nodeArgs.join(' ') || '(none)'}; load average at start ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const pageArgs = ['--url', api.url, '--key', api.apiKey, '--events', String(events), '--from', start.toISOString(), '--to', new Date(start.getTime() + spanSeconds * 1000).toISOString()];

    const verified = [];
    for (const v of VARIANTS) verified.push(await runChild(v.args, nodeArgs, [...pageArgs, '--digest']));
    const [reference] = verified;
    for (const r of verified) {
      if (r.bytes !== reference!.bytes || r.digest !== reference!.digest) throw new Error(`${r.client} read ${r.bytes} bytes (sha256 ${r.digest}), HttpGetter ${reference!.bytes} (${reference!.digest})`);
    }
    console.log(`bench: every client read the same ${reference!.pages} pages, ${(reference!.bytes / 1e6).toFixed(1)} MB, sha256 ${reference!.digest!.slice(0, 16)}…`);

    const runs: Run[][] = VARIANTS.map(() => []);
    for (let round = 1; round <= rounds; round++) {
      for (let k = 0; k < VARIANTS.length; k++) {
        const i = (k + round - 1) % VARIANTS.length;
        const r = await runChild(VARIANTS[i]!.args, nodeArgs, pageArgs);
        runs[i]!.push(r);
        console.log(`round ${round}: ${VARIANTS[i]!.label}: ${Math.round((events * 1000) / r.ms)} events/s, ${(r.bytes / 1e6 / (r.ms / 1000)).toFixed(0)} MB/s, CPU ${r.cpuMs.toFixed(0)} ms, peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB (start-up ${r.startupMs.toFixed(0)} ms, ${r.startupCpuMs.toFixed(0)} ms CPU); sample API CPU ${r.serverCpuMs.toFixed(0)} ms`);
      }
    }

    console.log(`bench: load average at end ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    console.log(`bench: medians over ${rounds} rounds (lowest–highest, ± half the range against the median), ${events} events, ${(reference!.bytes / 1e6).toFixed(1)} MB:`);
    VARIANTS.forEach((v, i) => {
      const rs = runs[i]!;
      console.log(`  ${v.label}: ${spread(rs.map((r) => (events * 1000) / r.ms))} events/s; CPU ${spread(rs.map((r) => r.cpuMs))} ms = ${(median(rs.map((r) => r.cpuMs)) * 1000 / events).toFixed(2)} µs/event; peak RSS ${spread(rs.map((r) => r.rssKiB / 1024))} MiB; start-up CPU ${median(rs.map((r) => r.startupCpuMs)).toFixed(0)} ms`);
    });
    // Ratios within a round first: the runs of one round are close together, so they share the machine's mood.
    const ratio = (i: number, of: (r: Run) => number) => spread(runs[i]!.map((r, k) => of(r) / of(runs[0]![k]!)), 2);
    console.log('bench: against (a), medians of the per-round ratios (lowest–highest):');
    for (let i = 1; i < VARIANTS.length; i++) {
      const extraCpu = ((median(runs[i]!.map((r) => r.cpuMs)) - median(runs[0]!.map((r) => r.cpuMs))) * 1e6) / events / 1000;
      console.log(`  ${VARIANTS[i]!.label}: CPU × ${ratio(i, (r) => r.cpuMs)} (${extraCpu >= 0 ? '+' : ''}${extraCpu.toFixed(2)} s per million events); events/s × ${ratio(i, (r) => 1 / r.ms)}; peak RSS × ${ratio(i, (r) => r.rssKiB)}`);
    }
  } finally {
    await api.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
