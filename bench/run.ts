// `npm run bench [-- --events N --rounds R --api-latency-ms L]`: the exporter from an empty state to caught-up over N
// sample events on the local stack, against rclone uploading the exporter's own output bytes to the same Azurite
// (directly, and in the first round also through the dfs gateway's pass-through), R rounds taking turns; the medians
// are reported. With --api-latency-ms the sample API waits L ms before each answer, as a distant one would: that
// measures how well the exporter keeps requests in flight, and rclone (which reads no API) is left out.
import { createHash } from 'node:crypto';
import { totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exporterEnv } from '../dev/exporterEnv';
import { projectRoot } from '../dev/paths';
import { adminClient } from '../dev/sas';
import { seedStack } from '../dev/seed';
import { startStack } from '../dev/stack';
import { ensureDevCertificate } from '../dev/tls';
import { downloadTo, rcloneCopy, rcloneInstalled, type Upload } from './rclone';
import { ownCpuSeconds, processCpuSeconds } from './cpu';
import { runMeasured, type ChildRun } from './measuredChild';
import { median } from './median';
import { deployedNodeArguments } from './nodeArguments';

const ROOT = projectRoot();
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const MAX_RUNS = 10;
type Container = ReturnType<ReturnType<typeof adminClient>['getContainerClient']>;

function runExporter(env: NodeJS.ProcessEnv, extraNodeArgs: string[]): Promise<ChildRun> {
  return runMeasured([CLI, 'run'], { nodeArgs: extraNodeArgs, env });
}

interface Round {
  exporterRate: number;
  mbps: number;
  rssKiB: number;
  rcloneRate?: number;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { events: { type: 'string' }, rounds: { type: 'string' }, profile: { type: 'boolean' }, 'node-args': { type: 'string' }, 'api-latency-ms': { type: 'string' } },
  });
  const latencyMs = Number(values['api-latency-ms'] ?? 0);
  if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 10_000) throw new Error(`--api-latency-ms must be a whole number from 0 to 10000, got "${values['api-latency-ms']}"`);
  const events = Number(values.events ?? 1_000_000);
  if (!Number.isInteger(events) || events < 1) throw new Error(`--events must be a positive whole number, got "${values.events}"`);
  const rounds = Number(values.rounds ?? 5);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error(`--rounds must be a whole number from 1 to 10, got "${values.rounds}"`);
  const { certPath } = await ensureDevCertificate();
  const spanSeconds = 24 * 3600;
  const start = new Date(Date.now() - 15 * 60_000 - spanSeconds * 1000);
  console.log(`bench: starting the local stack with ${events} sample events over 24 hours…`);
  const stack = await startStack({ audit: { count: events, start, spanSeconds, seed: 42, prerender: true } });
  try {
    const seeded = await seedStack(stack);
    const profileDir = join(ROOT, 'bench', 'profiles');
    // The exporter runs with the Node arguments the deployment gives the worker, unless --node-args="…" says otherwise.
    const workerArgs = values['node-args'] ?? (await deployedNodeArguments());
    console.log(`bench: exporter Node arguments: ${workerArgs || '(none)'}`);
    const nodeArgs = [...workerArgs.split(' ').filter(Boolean), ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
    if (latencyMs > 0) {
      stack.auditApi.setFaults({ delayMs: latencyMs });
      console.log(`bench: the sample API answers after ${latencyMs} ms; rclone is left out`);
    }
    const withRclone = latencyMs === 0 && rcloneInstalled();
    if (!withRclone && latencyMs === 0) console.log('rclone: not installed (apt-get install rclone); skipping the comparison');
    const pids = { azurite: stack.azurite.pid, gateway: stack.gateway.pid };
    const container = adminClient(stack.info).getContainerClient(seeded.fileSystem);
    // What the lake must hold: every event of the API, in order, as NDJSON lines (files list in time order).
    let expected = 0;
    const digest = createHash('sha256');
    for (const json of stack.auditApi.eventsJson()) {
      const line = `${json.replace(/[\u2028\u2029]/g, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029'))}\n`;
      expected += Buffer.byteLength(line);
      digest.update(line);
    }
    const expectedDigest = digest.digest('hex');
    const fitting = roundsThatFit(rounds, expected);
    if (fitting < rounds) {
      console.log(`bench: ${rounds} rounds of ${(expected / 1e9).toFixed(1)} GB would fill Azurite's memory (it frees deleted blobs only every 10 minutes); running ${fitting}`);
    }

    // Rounds take turns (exporter, then rclone on the same bytes) so each ratio compares runs made close together;
    // this machine's speed drifts by more than the differences being measured.
    const results: Round[] = [];
    for (let round = 1; round <= fitting; round++) {
      const path = `bench-${round}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        NODE_EXTRA_CA_CERTS: certPath,
        ...exporterEnv(stack.info, seeded, { EXPORT_START: start.toISOString(), ADLS_PATH: path, EXPORT_TIME_BUDGET_SECONDS: '3600' }),
      };
      const exported = await exportAll(env, nodeArgs, pids);
      const files = await landed(container, `${path}/`);
      const bytes = files.reduce((n, f) => n + f.size, 0);
      if (bytes !== expected) throw new Error(`the lake holds ${bytes} bytes, the API's events make ${expected}`);
      if ((await contentDigest(container, files)) !== expectedDigest) throw new Error(`the lake's bytes under ${path}/ are not the API's events as NDJSON`);
      const r: Round = { exporterRate: (events * 1000) / exported.ms, mbps: bytes / 1e6 / (exported.ms / 1000), rssKiB: exported.rssKiB };
      console.log(`round ${round}: exporter: ${events} events, ${(bytes / 1e6).toFixed(1)} MB in ${files.length} files, ${(exported.ms / 1000).toFixed(1)} s — ${Math.round(r.exporterRate)} events/s, ${r.mbps.toFixed(1)} MB/s, peak RSS ${(r.rssKiB / 1024).toFixed(0)} MiB`);
      // The process's time includes Node start-up and loading the SDKs, which a Functions worker pays once, not per run.
      console.log(`round ${round}: the export itself (the run summary's start to end): ${(exported.runMs / 1000).toFixed(1)} s — ${Math.round((events * 1000) / exported.runMs)} events/s`);
      // The exporter's own cost, apart from the local stack's (the sample API and the dfs gateway share this machine).
      console.log(`round ${round}: CPU during the export: exporter ${(exported.cpuUs / 1e6).toFixed(1)} s (${(exported.cpuUs / events).toFixed(1)} µs/event), ${exported.stackCpu}`);
      if (withRclone) {
        const local = await downloadTo(container, files.map((f) => f.name));
        try {
          const rate = (upload: Upload) => (events * 1000) / upload.ms;
          const line = (upload: Upload) => `${(upload.ms / 1000).toFixed(1)} s — ${Math.round(rate(upload))} events/s, ${(bytes / 1e6 / (upload.ms / 1000)).toFixed(1)} MB/s`;
          const rcloneCpu = (upload: Upload) => `rclone ${upload.rcloneCpuSeconds === undefined ? 'n/a' : `${upload.rcloneCpuSeconds.toFixed(1)} s`}`;
          let meter = cpuMeter(pids);
          const direct = await rcloneCopy(stack.info, local.dir, stack.info.blobEndpoint, `bench-rclone-${round}`);
          console.log(`round ${round}: rclone: the same ${(bytes / 1e6).toFixed(1)} MB in ${line(direct)}; CPU: ${rcloneCpu(direct)}, ${meter.read()}`);
          r.rcloneRate = rate(direct);
          // In the first round, the same upload through the dfs gateway's blob pass-through: what the gateway's byte
          // moving costs rclone (once: every copy stays in Azurite's memory until its next collection).
          if (round === 1) {
            meter = cpuMeter(pids);
            const viaGateway = await rcloneCopy(stack.info, local.dir, stack.info.dfsEndpoint, `bench-rclone-gateway-${round}`);
            console.log(`round ${round}: rclone through the local dfs gateway: ${line(viaGateway)} (exporter/this ${(r.exporterRate / rate(viaGateway)).toFixed(2)}); CPU: ${rcloneCpu(viaGateway)}, ${meter.read()}`);
          }
        } finally {
          await local.remove();
        }
        console.log(`round ${round}: ratio ${(r.exporterRate / r.rcloneRate).toFixed(2)}`);
      }
      // Azurite slows down as its listings grow: each round starts with the file systems as empty as the first.
      // Everything under the path, `_owner` included: the next round is a new export configuration's first run.
      await forgetAll(container, `${path}/`);
      await forget(stack.info, [`bench-rclone-${round}`, `bench-rclone-gateway-${round}`]);
      results.push(r);
    }

    const exporterRate = median(results.map((r) => r.exporterRate));
    const roundsRun = results.length;
    const rcloneRates = results.flatMap((r) => (r.rcloneRate === undefined ? [] : [r.rcloneRate]));
    const rcloneRate = rcloneRates.length ? median(rcloneRates) : undefined;
    const ratio = rcloneRates.length ? median(results.map((r) => r.exporterRate / r.rcloneRate!)).toFixed(2) : 'n/a';
    const rss = Math.max(...results.map((r) => r.rssKiB)) / 1024;
    console.log(`exporter: median of ${roundsRun} ${roundsRun === 1 ? 'round' : 'rounds'}: ${Math.round(exporterRate)} events/s, ${median(results.map((r) => r.mbps)).toFixed(1)} MB/s; peak RSS (highest) ${rss.toFixed(0)} MiB`);
    if (latencyMs > 0) console.log(`bench: exporter ${Math.round(exporterRate)} events/s against an API answering in ${latencyMs} ms, peak RSS ${rss.toFixed(0)} MiB`);
    else console.log(`bench: exporter ${Math.round(exporterRate)} events/s, rclone ${rcloneRate === undefined ? 'n/a' : Math.round(rcloneRate)} events/s, ratio ${ratio}, peak RSS ${rss.toFixed(0)} MiB`);
  } finally {
    await stack.stop();
  }
}

/** Runs the exporter CLI until it reports caught-up (a few runs at most). */
async function exportAll(env: NodeJS.ProcessEnv, nodeArgs: string[], pids: StackPids) {
  let ms = 0;
  let rssKiB = 0;
  let cpuUs = 0;
  let runMs = 0;
  const stackCpu = cpuMeter(pids);
  for (let run = 1; run <= MAX_RUNS; run++) {
    const r = await runExporter(env, nodeArgs);
    if (r.code !== 0) throw new Error(`the exporter failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
    ms += r.ms;
    cpuUs += r.cpuUs;
    rssKiB = Math.max(rssKiB, r.rssKiB);
    const summary = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!);
    runMs += Date.parse(summary.endedAt) - Date.parse(summary.startedAt);
    if (summary.status === 'caught-up') return { ms, runMs, rssKiB, cpuUs, stackCpu: stackCpu.read() };
  }
  throw new Error(`the exporter was not caught up after ${MAX_RUNS} runs`);
}

async function landed(container: Container, prefix: string): Promise<Array<{ name: string; size: number }>> {
  const files: Array<{ name: string; size: number }> = [];
  // The hour files only (`year=…/`): manifests, `_owner` and quarantine are the exporter's own record, not the API's events.
  for await (const blob of container.listBlobsFlat({ prefix: `${prefix}year=` })) files.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
  return files;
}

/** sha256 of the files' bytes, one after another (outside the timed part). */
async function contentDigest(container: Container, files: Array<{ name: string }>): Promise<string> {
  const digest = createHash('sha256');
  for (const f of files) digest.update(await container.getBlobClient(f.name).downloadToBuffer());
  return digest.digest('hex');
}

async function forgetAll(container: Container, prefix: string): Promise<void> {
  for await (const blob of container.listBlobsFlat({ prefix })) await container.deleteBlob(blob.name);
}

async function forget(info: Parameters<typeof adminClient>[0], containers: string[]): Promise<void> {
  for (const name of containers) await adminClient(info).getContainerClient(name).deleteIfExists();
}

/**
 * How many of `rounds` fit: Azurite (in memory) frees deleted blobs only at its collection every 10 minutes and refuses
 * writes past half the machine's memory. A round stores the exporter's bytes and rclone's copy; the first one, the
 * gateway's copy too. 40 % of the memory leaves room for Azurite's own heap.
 */
function roundsThatFit(rounds: number, bytesPerCopy: number): number {
  const copies = Math.floor((0.4 * totalmem()) / bytesPerCopy);
  return Math.max(1, Math.min(rounds, Math.floor((copies - 1) / 2)));
}

interface StackPids { azurite: number | undefined; gateway: number | undefined }

/** CPU seconds of the local stack (this process: sample API, vault; and the dfs gateway's) and Azurite since it was made. */
function cpuMeter(pids: StackPids): { read(): string } {
  const seconds = () => ({ own: ownCpuSeconds(), gateway: processCpuSeconds(pids.gateway), azurite: processCpuSeconds(pids.azurite) });
  const at0 = seconds();
  const since = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? undefined : b - a);
  const text = (s: number | undefined) => (s === undefined ? 'n/a' : `${s.toFixed(1)} s`);
  return {
    read() {
      const at1 = seconds();
      const gateway = since(at0.gateway, at1.gateway);
      const stack = at1.own - at0.own + (gateway ?? 0);
      return `local stack ${text(stack)} (dfs gateway ${text(gateway)}), Azurite ${text(since(at0.azurite, at1.azurite))}`;
    },
  };
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
