import { DEADLINE_MARGIN_MS } from '../config/defaults';
import { functionTimeoutMs } from '../config/functionTimeout';
import { ensureError, errorCode } from '../errors';
import type { Composition } from '../run/composition';
import { runWithAzure } from '../run/runWithAzure';
import { redactingLogger, type Logger } from '../ports/logger';
import type { RunSummary } from '../windows/runSummary';

/** What the timer handler needs from the Functions host: a log sink. Kept apart so tests need no host. */
export interface InvocationLike {
  log(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

/** The run's deadline: host.json's functionTimeout, less the margin for the last batch and the checkpoint. */
const DEADLINE_MS = functionTimeoutMs() - DEADLINE_MARGIN_MS;

/** One timer tick: the host gives no cancellation signal, so derive one from the function timeout. */
export async function onTimerTick(getRoot: () => Composition, context: InvocationLike, isPastDue: boolean): Promise<RunSummary | undefined> {
  const logger: Logger = redactingLogger((level, line) =>
    level === 'info' ? context.log(line) : level === 'warn' ? context.warn(line) : context.error(line),
  );
  if (isPastDue) logger.warn('timer is past due; running now');
  const root = getRoot();
  if (!root.settings.enabled) {
    logger.info('export is disabled (EXPORT_ENABLED=false); skipping this tick');
    return undefined;
  }
  const abortSignal = Number.isFinite(DEADLINE_MS) ? AbortSignal.timeout(DEADLINE_MS) : new AbortController().signal;
  try {
    return await runWithAzure(root, { logger, abortSignal });
  } catch (error) {
    logger.error('export run failed', { code: errorCode(error), error: ensureError(error).message });
    throw error;
  }
}
