import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stopChild } from '../process/stopChild';

/** Azurite's documented emulator account (public, not a secret). */
const EMULATOR_ACCOUNT_NAME = 'devstoreaccount1';
const EMULATOR_ACCOUNT_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  /** Blob port; 0 (default) picks a free one. */
  port?: number;
  /** Keep data on disk in this folder instead of in memory. */
  location?: string;
  /** Give up if Azurite has not reported its address within this time. */
  startTimeoutMs?: number;
}

export interface Azurite {
  port: number;
  /** The Azurite child's process id (for tooling that measures it). */
  pid: number | undefined;
  /** Path-style blob endpoint, e.g. http://127.0.0.1:PORT/devstoreaccount1 */
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
  /** Connection string in the form AzureWebJobsStorage takes. */
  connectionString: string;
  stop(): Promise<void>;
}

const READY = /successfully listens on (http:\/\/[^\s]+)/;

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  const args = [
    '--blobHost', '127.0.0.1',
    '--blobPort', String(options.port ?? 0),
    '--skipApiVersionCheck', // the SDK's x-ms-version may be newer than this Azurite's baseline
    '--loose',
    '--silent',
    '--disableTelemetry', // loopback only: Azurite otherwise reports to Application Insights
  ];
  if (options.location) args.push('--location', options.location);
  else args.push('--inMemoryPersistence');

  const cwd = options.location ?? (await mkdtemp(join(tmpdir(), 'azurite-')));
  const child = fork(join(__dirname, 'child.js'), args, { cwd, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const origin = await waitForAddress(child, options.startTimeoutMs ?? 30_000);
  const port = Number(new URL(origin).port);
  const blobEndpoint = `http://127.0.0.1:${port}/${EMULATOR_ACCOUNT_NAME}`;
  return {
    port,
    pid: child.pid,
    blobEndpoint,
    accountName: EMULATOR_ACCOUNT_NAME,
    accountKey: EMULATOR_ACCOUNT_KEY,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${EMULATOR_ACCOUNT_NAME};` +
      `AccountKey=${EMULATOR_ACCOUNT_KEY};BlobEndpoint=${blobEndpoint};`,
    stop: () => stopChild(child),
  };
}

function waitForAddress(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => fail(new Error(`Azurite did not start within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = READY.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        child.stdout?.resume(); // keep draining so Azurite never blocks on a full pipe
        child.stderr?.resume();
        resolve(match[1]!);
      }
    };
    const onExit = (code: number | null) => fail(new Error(`Azurite exited (code ${code}) before starting:\n${output}`));
    function fail(error: Error) {
      clearTimeout(timer);
      child.off('exit', onExit);
      child.kill('SIGKILL');
      reject(error);
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', onExit);
  });
}
