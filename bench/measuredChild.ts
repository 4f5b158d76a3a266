import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../dev/paths';

const RSS_HOOK = join(projectRoot(), 'dist', 'bench', 'reportRss.js');

export interface ChildRun {
  code: number | null;
  ms: number;
  /** Peak resident set and CPU time, as the child itself reported them on exit (bench/reportRss.ts). */
  rssKiB: number;
  cpuUs: number;
  stdout: string;
  stderr: string;
}

/** Runs a Node script in a child that reports its own peak memory and CPU time, and waits for it to end. */
export function runMeasured(args: readonly string[], options: { nodeArgs?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): Promise<ChildRun> {
  const began = process.hrtime.bigint();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), '--require', RSS_HOOK, ...args], { env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
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
