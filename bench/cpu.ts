// CPU seconds of the processes a benchmark run involves, from Linux's /proc (undefined elsewhere).
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** user + system CPU of a running process. */
export function processCpuSeconds(pid: number | undefined): number | undefined {
  return pid === undefined ? undefined : statFields(`/proc/${pid}/stat`, 13, 14);
}

/** user + system CPU of this process's children that have been waited for (e.g. after spawnSync). */
export function reapedChildrenCpuSeconds(): number | undefined {
  return statFields('/proc/self/stat', 15, 16);
}

/** This process's own user + system CPU. */
export function ownCpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** Sum of two fields of a /proc stat line, numbered from 0 after the "(comm)" field's own index 1. */
function statFields(path: string, a: number, b: number): number | undefined {
  try {
    const line = readFileSync(path, 'utf8');
    const fields = line.slice(line.lastIndexOf(')') + 2).split(' '); // comm may contain spaces
    return (Number(fields[a - 2]) + Number(fields[b - 2])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}
