import { compose, type ComposeOptions } from './compose';
import type { Settings } from './config/settings';
import { runExport, type RunSummary } from './pipeline/run';

/** One export run with real adapters: the same code for the timer function and the CLI. */
export async function exportOnce(settings: Settings, options: ComposeOptions): Promise<RunSummary> {
  const deps = await compose(settings, options);
  const summary = { ...(await runExport(deps, {
    root: settings.path,
    pageSize: settings.pageSize,
    lagSeconds: settings.lagSeconds,
    exportStart: settings.exportStart,
    fileMaxBytes: settings.fileMaxBytes,
    chunkTargetBytes: settings.batchMaxBytes,
    timeBudgetMs: settings.timeBudgetSeconds * 1000,
    abortSignal: options.abortSignal,
  })), warnings: deps.warnings };
  options.logger.info('export run finished', {
    status: summary.status,
    events: summary.events,
    bytes: summary.bytes,
    files: summary.files.length,
    windows: summary.windows,
    watermark: summary.watermark,
  });
  return summary;
}
