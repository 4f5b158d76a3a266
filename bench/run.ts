// `npm run bench [-- --events N]`: the exporter from an empty state to caught-up over N sample events on the
// local stack, against rclone uploading the exporter's own output bytes to the same Azurite.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { exporterEnv } from '../dev/exporterEnv';
import { projectRoot } from '../dev/paths';
import { adminClient, fileSystemSas } from '../dev/sas';
import { seedStack } from '../dev/seed';
import { startStack } from '../dev/stack';
import { ensureDevCertificate } from '../dev/tls';
import { ownCpuSeconds, processCpuSeconds, reapedChildrenCpuSeconds } from './cpu';

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

    const rclone = await rcloneUpload(stack.info, container, files, stack.azurite.pid);
    const rcloneRate = rclone === undefined ? undefined : (events * 1000) / rclone.ms;
    if (rclone !== undefined) {
      console.log(`rclone: the same ${(bytes / 1e6).toFixed(1)} MB in ${(rclone.ms / 1000).toFixed(1)} s — ${Math.round(rcloneRate!)} events/s, ${(bytes / 1e6 / (rclone.ms / 1000)).toFixed(1)} MB/s`);
      console.log(`CPU during the upload: ${rclone.cpu}`);
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

/** Uploads the exporter's files with rclone to a fresh container of the same Azurite; undefined without rclone. */
async function rcloneUpload(
  info: { blobEndpoint: string; accountName: string; accountKey: string },
  container: ReturnType<ReturnType<typeof adminClient>['getContainerClient']>,
  files: Array<{ name: string; size: number }>,
  azuritePid: number | undefined,
): Promise<{ ms: number; cpu: string } | undefined> {
  if (spawnSync('rclone', ['version'], { stdio: 'ignore' }).status !== 0) {
    console.log('rclone: not installed (apt-get install rclone); skipping the comparison');
    return undefined;
  }
  const dir = await mkdtemp(join(tmpdir(), 'bench-rclone-'));
  try {
    for (const f of files) {
      const target = join(dir, f.name);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, await container.getBlobClient(f.name).downloadToBuffer());
    }
    await adminClient(info).getContainerClient('bench-rclone').createIfNotExists();
    const meter = cpuMeter(azuritePid);
    const children0 = reapedChildrenCpuSeconds();
    const began = process.hrtime.bigint();
    // A container SAS URL: rclone 1.60 reads --azureblob-endpoint as a host suffix, which a path-style emulator URL is not.
    const sas = fileSystemSas(info, { fileSystem: 'bench-rclone', permissions: 'racwdl' });
    const r = spawnSync('rclone', [
      'copy', dir, ':azureblob:bench-rclone', '--azureblob-sas-url', `${info.blobEndpoint}/bench-rclone?${sas}`,
      '--transfers', '4', '--no-check-dest', '--config', '/dev/null',
    ], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 30 * 60_000 });
    const ms = Number(process.hrtime.bigint() - began) / 1e6;
    if (r.status !== 0) throw new Error(`rclone failed: ${r.stderr.slice(-1000)}`);
    const children1 = reapedChildrenCpuSeconds();
    const rcloneCpu = children0 === undefined || children1 === undefined ? 'n/a' : `${(children1 - children0).toFixed(1)} s`;
    return { ms, cpu: `rclone ${rcloneCpu}, ${meter.read()}` };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`bench: ${(error as Error).message}`);
  process.exit(1);
});
