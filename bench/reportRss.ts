// Preloaded into the exporter child by the benchmark: reports the process's peak resident set size and CPU time on exit.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`bench-rss-kib ${usage.maxRSS}\nbench-cpu-us ${usage.userCPUTime + usage.systemCPUTime}\n`);
});
