import { errorCode, type ExportErrorCode } from '../errors';
import type { RunSummary } from '../windows/runSummary';

/** Errors an operator fixes in settings, configuration or the command line: exit 2. */
const USAGE_CODES: ReadonlySet<ExportErrorCode> = new Set(['InvalidSettings', 'InvalidExportConfig', 'InvalidUsage', 'VerifySasInvalid', 'VerifySasRefused']);
/** A configuration file named on the command line that is not there: exit 2 too. */
const isMissingFile = (e: unknown): boolean => typeof e === 'object' && e !== null && 'code' in e && e.code === 'ENOENT';

/** The exit code of a run that returned: 3 when it is `incomplete`, so that a scheduler sees it. */
export const runExitCode = (summary: Pick<RunSummary, 'status'>): number => (summary.status === 'incomplete' ? 3 : 0);

/** The exit code of a command that threw: 2 for what the operator fixes in settings or usage, 1 otherwise. */
export const failureExitCode = (error: unknown): number => {
  const code = errorCode(error);
  return (code !== undefined && USAGE_CODES.has(code)) || isMissingFile(error) ? 2 : 1;
};
