import type { BlockBlobClient } from '@azure/storage-blob';
import type { AuditEventsOptions } from '../../dev/auditApi';
import { exporterEnv } from '../../dev/exporterEnv';
import { adminClient } from '../../dev/sas';
import { seedStack, type Seeded } from '../../dev/seed';
import { startStack, type LocalStack, type StackOptions } from '../../dev/stack';
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import { configId } from '../../src/config/configId';
import type { PeerTimeouts } from '../../src/config/defaults';
import { loadSettings, type Settings } from '../../src/config/settings';
import { runWithAzure } from '../../src/run/runWithAzure';
import type { Clock } from '../../src/ports/clock';
import { systemClock } from '../../src/ports/clock';
import { redactingLogger } from '../../src/ports/logger';
import type { RunSummary } from '../../src/windows/runSummary';
import { useManagedIdentity } from './identityEnv';
import { Composition } from '../../src/run/composition';

export interface Harness {
  stack: LocalStack;
  seeded: Seeded;
  logs: string[];
  /** Every wait the exporter asked its clock for (ms); the harness waits only briefly. */
  sleeps: number[];
  settings(extra?: Record<string, string>): Settings;
  /**
   * One export run with the exporter's clock (and the audit API's) at `now`. `tickMs` moves time on at each
   * clock reading; `abortMs` aborts the run after that long, as the function timeout would, and `abortSignal` when
   * the test says; `timeouts` shortens the Azure peers' time-outs.
   */
  run(now: Date, extra?: Record<string, string>, options?: { tickMs?: number; abortMs?: number; abortSignal?: AbortSignal; timeouts?: Partial<PeerTimeouts> }): Promise<RunSummary>;
  /** The checkpoint blob of the export with these settings, with the account key's full rights. */
  checkpointBlob(extra?: Record<string, string>): BlockBlobClient;
  /** The export's hour files under the export path (not _manifests/, _probe/ or _owner), read with the account key: path → its NDJSON lines. */
  readLake(path?: string): Promise<Map<string, string[]>>;
  /** The manifests under the export path: path → its bytes. */
  readManifests(path?: string): Promise<Map<string, Buffer>>;
  /** The audit API's events as JSON text, in order. */
  apiEvents(range?: { minDate?: Date; maxDate?: Date }): string[];
  stop(): Promise<void>;
}

export async function startHarness(events: AuditEventsOptions, baseEnv: Record<string, string> = {}, options: Omit<StackOptions, 'audit'> = {}): Promise<Harness> {
  const stack = await startStack({ ...options, audit: events });
  const restoreEnv = useManagedIdentity(stack.info.identityEndpoint, stack.info.identityHeader);
  const seeded = await seedStack(stack);
  const logs: string[] = [];
  const sleeps: number[] = [];
  const logger = redactingLogger((level, line) => logs.push(`${level}: ${line}`));
  const settings = (extra: Record<string, string> = {}) =>
    loadSettings(exporterEnv(stack.info, seeded, { EXPORT_START: events.start.toISOString(), ...baseEnv, ...extra }));
  return {
    stack,
    seeded,
    logs,
    sleeps,
    settings,
    async run(now, extra, { tickMs = 0, abortMs = 120_000, abortSignal, timeouts } = {}) {
      stack.auditApi.setNow(now);
      let t = now.getTime();
      const clock: Clock = {
        now: () => new Date((t += tickMs) - tickMs),
        sleep: (ms, signal) => (sleeps.push(ms), systemClock.sleep(Math.min(ms, 20), signal)),
        every: (ms, tick) => systemClock.every(ms, tick),
      };
      const timeout = AbortSignal.timeout(abortMs);
      return runWithAzure(new Composition(settings(extra), { clock, timeouts }), { logger, abortSignal: abortSignal ? AbortSignal.any([timeout, abortSignal]) : timeout });
    },
    checkpointBlob: (extra) => adminClient(stack.info).getContainerClient(STATE_CONTAINER).getBlockBlobClient(`checkpoints/${configId(settings(extra))}.json`),
    async readLake(path = 'immuta-audit') {
      const container = adminClient(stack.info).getContainerClient(seeded.fileSystem);
      const files = new Map<string, string[]>();
      for await (const blob of container.listBlobsFlat({ prefix: `${path}/` })) {
        if (blob.name.startsWith(`${path}/_manifests/`) || blob.name.startsWith(`${path}/_probe/`) || blob.name === `${path}/_owner`) continue;
        const text = (await container.getBlobClient(blob.name).downloadToBuffer()).toString('utf8');
        if (text.length > 0 && !text.endsWith('\n')) throw new Error(`${blob.name} does not end with a newline`);
        files.set(blob.name, text.length === 0 ? [] : text.slice(0, -1).split('\n'));
      }
      return files;
    },
    async readManifests(path = 'immuta-audit') {
      const container = adminClient(stack.info).getContainerClient(seeded.fileSystem);
      const manifests = new Map<string, Buffer>();
      for await (const blob of container.listBlobsFlat({ prefix: `${path}/_manifests/` })) manifests.set(blob.name, await container.getBlobClient(blob.name).downloadToBuffer());
      return manifests;
    },
    apiEvents(range) {
      return [...stack.auditApi.eventsJson(range)];
    },
    async stop() {
      restoreEnv();
      await stack.stop();
    },
  };
}

/** The NDJSON line the exporter must write for an event the API sent as `json`. */
export function expectedLine(json: string): string {
  return JSON.stringify(JSON.parse(json)).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The hour file an event belongs to (first part). */
export function hourFileOf(json: string, root = 'immuta-audit'): string {
  const event = JSON.parse(json) as { eventTimestamp?: string; dateTime?: number | string };
  const t = new Date(event.eventTimestamp ?? Number(event.dateTime));
  const p = (n: number) => String(n).padStart(2, '0');
  const y = t.getUTCFullYear(), m = p(t.getUTCMonth() + 1), d = p(t.getUTCDate()), h = p(t.getUTCHours());
  return `${root}/year=${y}/month=${m}/day=${d}/hour=${h}/audit-${y}${m}${d}T${h}-part-0000.ndjson`;
}

/** Lines of all files, in path order (hour partitions and part numbers sort in time order). */
export function allLines(files: Map<string, string[]>): string[] {
  return [...files.keys()].sort().flatMap((f) => files.get(f)!);
}
