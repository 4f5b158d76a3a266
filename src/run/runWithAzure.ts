import { randomUUID } from 'node:crypto';
import { DefaultAzureCredential } from '@azure/identity';
import { compose, composeState, type ComposeOptions } from './composition';
import { configId } from '../config/configId';
import type { Settings } from '../config/settings';
import { ensureError, errorCode } from '../errors';
import { exportUnderLease } from '../lease/exportUnderLease';
import type { RunSummary } from '../windows/runSummary';
import { systemClock } from '../ports/clock';
import { redact } from '../redact';
import { recordRun } from '../status/recordRun';

/** One export run with real adapters: the same code for the timer function and the CLI. Its outcome is kept for `status`. */
export async function runWithAzure(settings: Settings, options: ComposeOptions): Promise<RunSummary> {
  const clock = options.clock ?? systemClock;
  const credential = options.credential ?? new DefaultAzureCredential();
  const { status } = composeState(settings, credential, options.timeouts);
  const record = { id: randomUUID(), startedAt: clock.now().toISOString() };
  let warnings: string[] = [];
  try {
    const deps = await compose(settings, { ...options, clock, credential });
    warnings = deps.warnings;
    const run = await exportUnderLease(deps, {
      root: settings.path,
      configId: configId(settings),
      recheckHours: settings.recheckHours,
      pageSize: settings.pageSize,
      lagSeconds: settings.lagSeconds,
      exportStart: settings.exportStart,
      fileMaxBytes: settings.fileMaxBytes,
      batchMaxBytes: settings.batchMaxBytes,
      timeBudgetMs: settings.timeBudgetSeconds * 1000,
      abortSignal: options.abortSignal,
      onProgress: options.onProgress,
    });
    warnings = [...warnings, ...(run.warnings ?? [])];
    const summary: RunSummary = { ...run, warnings };
    const { source } = summary;
    options.logger.info('export run finished', {
      status: summary.status, events: summary.events, bytes: summary.bytes, files: summary.files.length,
      windows: summary.windows, watermark: summary.watermark, ms: Date.parse(summary.endedAt) - Date.parse(summary.startedAt),
      duplicatesDropped: source.duplicatesDropped, shortPages: source.shortPages, windowsUnverified: source.windowsUnverified,
      missing: source.missing, removed: source.removed,
      ...(summary.recheck ? { hoursRechecked: summary.recheck.hoursChecked, lateFound: summary.recheck.lateFound, lateAppended: summary.recheck.lateAppended, hoursCountDown: summary.recheck.countDown.length } : {}),
    });
    if (summary.status === 'incomplete') {
      options.logger.error('the audit API counts events of exported hours that are not in the lake: they became visible too late to place', {
        missing: source.missing, hours: source.hours.filter((h) => h.missing > 0).map((h) => `${h.hour}:${h.missing}`).join(' '),
      });
    }
    if (source.windowsUnverified > 0) {
      options.logger.warn('the audit API gave no count, so these windows could not be cross-checked', { windows: source.windowsUnverified });
    }
    if (summary.status !== 'skipped') await recordRun(status, { ...record, outcome: summary, warnings }, clock, options.logger);
    return summary;
  } catch (error) {
    const e = ensureError(error);
    const failure = { reason: redact(e.message), code: errorCode(error) };
    await recordRun(status, { ...record, outcome: failure, warnings }, clock, options.logger);
    throw error;
  }
}
