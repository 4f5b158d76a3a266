import { randomUUID } from 'node:crypto';
import type { Composition, RunScope } from './composition';
import { ensureError, errorCode } from '../errors';
import { exportUnderLease } from '../lease/exportUnderLease';
import type { RunSummary } from '../windows/runSummary';
import type { RunProgress } from '../windows/runOptions';
import { redact } from '../redact';
import { recordRun } from '../status/recordRun';

export interface RunWithAzureOptions extends RunScope {
  /** Called after each batch, for progress lines in long catch-ups. */
  onProgress?: (progress: RunProgress) => void;
}

/** One export run with real adapters: the same code for the timer function and the CLI. Its outcome is kept for `status`. */
export async function runWithAzure(root: Composition, options: RunWithAzureOptions): Promise<RunSummary> {
  const { settings, clock, status } = root;
  const record = { id: randomUUID(), startedAt: clock.now().toISOString() };
  let sasWarnings: string[] = [];
  let warnings: string[] = [];
  try {
    const deps = await root.forRun(options);
    sasWarnings = deps.sasWarnings;
    warnings = sasWarnings;
    const run = await exportUnderLease(deps, {
      root: settings.path,
      fileSystem: settings.fileSystem,
      configId: root.configId,
      recheckHours: settings.recheckHours,
      invalidEvents: settings.invalidEvents,
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
      missing: source.missing, countBelowExported: source.countBelowExported, idAtTwoTimes: source.idAtTwoTimes.reduce((n, h) => n + h.events, 0), quarantined: source.quarantined ?? 0,
      ...(source.quarantinedHours?.length ? { quarantinedHours: source.quarantinedHours.map((h) => `${h.hour}:${h.events}`).join(' ') } : {}),
      ...(summary.recheck ? { hoursRechecked: summary.recheck.hoursChecked, lateFound: summary.recheck.lateFound, lateAppended: summary.recheck.lateAppended, hoursCountDown: summary.recheck.countDown.length } : {}),
    });
    if (summary.status === 'incomplete' && source.missing > 0) {
      options.logger.error('the audit API counts events of exported hours that are not in the lake: they became visible too late to place', {
        missing: source.missing, hours: source.hours.filter((h) => h.missing > 0).map((h) => `${h.hour}:${h.missing}`).join(' '),
      });
    }
    if (source.windowsUnverified > 0) {
      options.logger.warn("the audit API's count could not cross-check these windows: it gave none, or the window's own count could not be told apart from its edges", { windows: source.windowsUnverified });
    }
    if (summary.status !== 'skipped') await recordRun(status, { ...record, outcome: summary, warnings, sasWarnings }, clock, options.logger);
    return summary;
  } catch (error) {
    const e = ensureError(error);
    const failure = { reason: redact(e.message), code: errorCode(error) };
    await recordRun(status, { ...record, outcome: failure, warnings, sasWarnings }, clock, options.logger);
    throw error;
  }
}
