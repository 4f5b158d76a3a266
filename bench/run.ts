// `npm run bench [-- --events N]`: the exporter from an empty state to caught-up over N sample events on the
// local stack, against rclone uploading the exporter's own output bytes to the same Azurite (directly, and through
// the dfs gateway's pass-through).
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
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

const ROOT = projectRoot();
const CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');
const RSS_HOOK = join(ROOT, 'dist', 'bench', 'reportRss.js');
const MAX_RUNS = 10;

interface ChildRun { code: number | null; ms: number; rssKiB: number; cpuUs: number; stdout: string; stderr: string }

function runExporter(env: NodeJS.ProcessEnv, extraNodeArgs: string[]): Promise<ChildRun> {
  const began = process.hrtime.bigint();
  const child = spawn(process.execPath, [...extraNodeArgs, '--require', RSS_HOOK, CLI, 'run'], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      const rss = /bench-rss-kib (\d+)/.exec(stderr);
      const cpu = /bench-cpu-us (\d+)/.exec(stderr);
      resolve({ code, ms: Number(process.hrtime.bigint() - began) / 1e6, rssKiB: rss ? Number(rss[1]) : 0, cpuUs: cpu ? Number(cpu[1]) : 0, stdout, stderr });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { events: { type: 'string' }, profile: { type: 'boolean' }, 'node-args': { type: 'string' } } });
  const events = Number(values.events ?? 1_000_000);
  if (!Number.isInteger(events) || events < 1) throw new Error(`--events must be a positive whole number, got "${values.events}"`);
  const { certPath } = await ensureDevCertificate();
  const spanSeconds = 24 * 3600;
  const start = new Date(Date.now() - 15 * 60_000 - spanSeconds * 1000);
  console.log(`bench: starting the local stack with ${events} sample events over 24 hours…`);
  const stack = await startStack({ audit: { count: events, start, spanSeconds, seed: 42, prerender: true } });
  try {
    const seeded = await seedStack(stack);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: certPath,
      ...exporterEnv(stack.info, seeded, { EXPORT_START: start.toISOString(), ADLS_PATH: 'bench', EXPORT_TIME_BUDGET_SECONDS: '3600' }),
    };
    const profileDir = join(ROOT, 'bench', 'profiles');
    // The exporter runs with the Node arguments the deployment gives the worker, unless --node-args="…" says otherwise.
    const workerArgs = values['node-args'] ?? (await deployedNodeArguments());
    console.log(`bench: exporter Node arguments: ${workerArgs || '(none)'}`);
    const nodeArgs = [...workerArgs.split(' ').filter(Boolean), ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];

    let ms = 0;
    let rssKiB = 0;
    let cpuUs = 0;
    const stackCpu = cpuMeter(stack.azurite.pid);
    for (let run = 1; run <= MAX_RUNS; run++) {
      const r = await runExporter(env, nodeArgs);
      if (r.code !== 0) throw new Error(`the exporter failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
      ms += r.ms;
      cpuUs += r.cpuUs;
      rssKiB = Math.max(rssKiB, r.rssKiB);
      const summary = JSON.parse(r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!);
      if (summary.status === 'caught-up') break;
    }
    const exportCpu = stackCpu.read();

    // What landed: sizes from the listing; the bytes must match the API's events as NDJSON.
    const container = adminClient(stack.info).getContainerClient(seeded.fileSystem);
    const files: Array<{ name: string; size: number }> = [];
    for await (const blob of container.listBlobsFlat({ prefix: 'bench/' })) files.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
    const bytes = files.reduce((n, f) => n + f.size, 0);
    let expected = 0;
    for (const json of stack.auditApi.eventsJson()) expected += Buffer.byteLength(json) + 1;
    if (bytes !== expected) throw new Error(`the lake holds ${bytes} bytes, the API's events make ${expected}`);

    const exporterRate = (events * 1000) / ms;
    const mbps = bytes / 1e6 / (ms / 1000);
    console.log(`exporter: ${events} events, ${(bytes / 1e6).toFixed(1)} MB in ${files.length} files, ${(ms / 1000).toFixed(1)} s — ${Math.round(exporterRate)} events/s, ${mbps.toFixed(1)} MB/s, peak RSS ${(rssKiB / 1024).toFixed(0)} MiB`);
    // The exporter's own cost, apart from the local stack's (the sample API and the dfs gateway share this machine).
    console.log(`exporter CPU: ${(cpuUs / 1e6).toFixed(1)} s (${(cpuUs / events).toFixed(1)} µs/event, ${((bytes / 1e6) / (cpuUs / 1e6)).toFixed(0)} MB per CPU-second)`);
    console.log(`CPU during the export: exporter ${(cpuUs / 1e6).toFixed(1)} s, ${exportCpu}`);

    let rcloneRate: number | undefined;
    if (!rcloneInstalled()) console.log('rclone: not installed (apt-get install rclone); skipping the comparison');
    else {
      const local = await downloadTo(container, files.map((f) => f.name));
      try {
        const rate = (upload: Upload) => (events * 1000) / upload.ms;
        const line = (upload: Upload) =>
          `${(upload.ms / 1000).toFixed(1)} s — ${Math.round(rate(upload))} events/s, ${(bytes / 1e6 / (upload.ms / 1000)).toFixed(1)} MB/s`;
        const rcloneCpu = (upload: Upload) => `rclone ${upload.rcloneCpuSeconds === undefined ? 'n/a' : `${upload.rcloneCpuSeconds.toFixed(1)} s`}`;
        let meter = cpuMeter(stack.azurite.pid);
        const direct = await rcloneCopy(stack.info, local.dir, stack.info.blobEndpoint, 'bench-rclone');
        console.log(`rclone: the same ${(bytes / 1e6).toFixed(1)} MB in ${line(direct)}`);
        console.log(`CPU during the upload: ${rcloneCpu(direct)}, ${meter.read()}`);
        rcloneRate = rate(direct);
        // The same upload through the dfs gateway's blob pass-through: what the gateway's byte moving costs rclone.
        meter = cpuMeter(stack.azurite.pid);
        const viaGateway = await rcloneCopy(stack.info, local.dir, stack.info.dfsEndpoint, 'bench-rclone-gateway');
        console.log(`rclone through the local dfs gateway: ${line(viaGateway)} (exporter/this ${(exporterRate / rate(viaGateway)).toFixed(2)}); CPU: ${rcloneCpu(viaGateway)}, ${meter.read()}`);
      } finally {
        await local.remove();
      }
    }
    const ratio = rcloneRate === undefined ? 'n/a' : (exporterRate / rcloneRate).toFixed(2);
    console.log(`bench: exporter ${Math.round(exporterRate)} events/s, rclone ${rcloneRate === undefined ? 'n/a' : Math.round(rcloneRate)} events/s, ratio ${ratio}, peak RSS ${(rssKiB / 1024).toFixed(0)} MiB`);
  } finally {
    await stack.stop();
  }
}

/** The worker's Node arguments as infra/main.bicep sets them (languageWorkers__node__arguments). */
async function deployedNodeArguments(): Promise<string> {
  const bicep = await readFile(join(ROOT, 'infra', 'main.bicep'), 'utf8');
  const match = /name: 'languageWorkers__node__arguments', value: '([^']*)'/.exec(bicep);
  if (!match) throw new Error('infra/main.bicep sets no languageWorkers__node__arguments; pass --node-args="…"');
  return match[1]!;
}

/** CPU seconds of the local stack (this process: gateway, sample API, vault) and Azurite since it was made. */
function cpuMeter(azuritePid: number | undefined): { read(): string } {
  const stack0 = ownCpuSeconds();
  const azurite0 = processCpuSeconds(azuritePid);
  return {
    read() {
      const azurite1 = processCpuSeconds(azuritePid);
      const azurite = azurite0 === undefined || azurite1 === undefined ? 'n/a' : `${(azurite1 - azurite0).toFixed(1)} s`;
      return `local stack ${(ownCpuSeconds() - stack0).toFixed(1)} s, Azurite ${azurite}`;
    },
  };
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
