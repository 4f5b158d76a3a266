// `npm start`: the main job end to end on the embedded local stack — start it, seed it like an operator seeds
// Azure, run exports until every sample event is in the lake, show what landed, stop everything.
import { loadSettings } from '../../src/config/settings';
import { Composition } from '../../src/run/composition';
import { runWithAzure } from '../../src/run/runWithAzure';
import { redactingLogger } from '../../src/ports/logger';
import { exporterEnv } from '../exporterEnv';
import { adminClient } from '../sas';
import { seedStack } from '../seed';
import { startStack } from '../stack';
import { relaunchTrustingVault } from '../trustVault';

const MAX_RUNS = 20;

async function main(): Promise<void> {
  await relaunchTrustingVault();
  const started = Date.now();
  const stack = await startStack();
  try {
    const seeded = await seedStack(stack);
    const env = exporterEnv(stack.info, seeded, { EXPORT_START: stack.auditEvents.start.toISOString() });
    Object.assign(process.env, env); // DefaultAzureCredential finds the managed-identity endpoint here, as in Azure
    const settings = loadSettings(process.env);
    const root = new Composition(settings);
    console.log(`stack up: lake ${settings.dfsEndpoint}/${settings.fileSystem}, vault ${settings.keyVaultUrl}, audit API ${settings.auditApiUrl}`);

    const logger = redactingLogger((level, line) => (level === 'info' ? undefined : console.error(`${level === 'warn' ? 'warning' : 'error'}: ${line}`)));
    let events = 0;
    let bytes = 0;
    for (let run = 1; run <= MAX_RUNS && events < stack.auditApi.totalEvents; run++) {
      const summary = await runWithAzure(root, { logger, abortSignal: AbortSignal.timeout(10 * 60_000) });
      events += summary.events;
      bytes += summary.bytes;
      console.log(`run ${run}: ${summary.events} events, ${summary.bytes} bytes, ${summary.files.length} files, watermark ${summary.watermark} (${summary.status})`);
    }

    // Read back with the account key: the exporter's SAS can only create and write.
    const container = adminClient(stack.info).getContainerClient(settings.fileSystem);
    const files: Array<{ name: string; size: number }> = [];
    const manifests: string[] = [];
    for await (const blob of container.listBlobsFlat({ prefix: `${settings.path}/` })) {
      // The hour manifests are the exporter's record of what each hour holds, not events; `_owner` names the
      // configuration that writes the path. Readers take only the hour files (`year=…/`).
      if (blob.name.startsWith(`${settings.path}/_manifests/`)) manifests.push(blob.name);
      else if (blob.name.startsWith(`${settings.path}/year=`)) files.push({ name: blob.name, size: blob.properties.contentLength ?? 0 });
    }
    let lines = 0;
    for (const f of files) lines += (await container.getBlobClient(f.name).downloadToBuffer()).toString('utf8').split('\n').length - 1;

    console.log(`\nexported ${events} of ${stack.auditApi.totalEvents} events, ${bytes} bytes, ${files.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    console.log(`lake check: ${lines} NDJSON lines stored — ${lines === stack.auditApi.totalEvents ? 'every event exactly once' : 'MISMATCH'}`);
    console.log(`\n${settings.fileSystem}/`);
    for (const f of files) console.log(`  ${f.name}  (${f.size} bytes)`);
    console.log(`  ${settings.path}/_manifests/…  (${manifests.length} hour manifests, one hash chain)`);
    console.log(`  ${settings.path}/_owner  (names the export configuration that writes this path)`);
    if (files[0]) {
      const head = (await container.getBlobClient(files[0].name).downloadToBuffer()).toString('utf8').split('\n').slice(0, 2);
      console.log(`\nfirst lines of ${files[0].name}:`);
      for (const line of head) console.log(`  ${line.length > 200 ? line.slice(0, 200) + '…' : line}`);
    }
    if (lines !== stack.auditApi.totalEvents || events !== stack.auditApi.totalEvents) process.exitCode = 1;
  } finally {
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(`start: ${(error as Error).message}`);
  process.exit(1);
});
