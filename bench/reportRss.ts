// Preloaded into the exporter child by the benchmark: reports the process's peak resident set size and CPU time on exit.
import { readFileSync } from 'node:fs';

process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`bench-rss-kib ${peakRssKiB() ?? usage.maxRSS}\nbench-cpu-us ${usage.userCPUTime + usage.systemCPUTime}\n`);
});

/**
 * The peak of this process's own memory (Linux VmHWM). Not getrusage's maxRSS: Linux carries the RSS of the
 * forked copy of the parent into it at exec, so a child of a large parent would report the parent's size.
 */
function peakRssKiB(): number | undefined {
  try {
    const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}
