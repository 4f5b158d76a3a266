import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../dev/paths';

const CLI = join(projectRoot(), 'dist', 'src', 'cli', 'main.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  child: ChildProcessWithoutNullStreams;
  done: Promise<CliResult>;
  kill(): void;
}

/**
 * Starts the audit-export CLI as a child process. Asynchronous on purpose: the local stack it talks to runs
 * in the test's own process, so a synchronous spawn would block the very servers it needs.
 */
export function startCli(args: string[], env: NodeJS.ProcessEnv, options: { nodeArgs?: string[]; timeoutMs?: number } = {}): CliRun {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), CLI, ...args], { env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done, kill: () => child.kill('SIGKILL') };
}

export const cli = (args: string[], env: NodeJS.ProcessEnv): Promise<CliResult> => startCli(args, env).done;

/** The run summary a `run` prints as its last JSON line. */
export const summaryOf = (stdout: string) => JSON.parse(stdout.trim().split('\n').filter((l) => l.startsWith('{')).at(-1)!);
