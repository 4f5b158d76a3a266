import type { StatusStore } from '../status/statusStore';
import { updateStatus } from '../status/updateStatus';
import type { ConnectionReport } from './report';

/**
 * Keeps a connection test's outcome as the connection status, with the SAS warnings when the SAS was read (as a run
 * keeps its warnings). The report itself is the answer, so a failure to keep it changes nothing.
 */
export function recordConnection(status: StatusStore, report: ConnectionReport, sasWarnings: string[] | undefined, checkedAt: Date): Promise<void> {
  const failed = report.checks.find((c) => c.result === 'FAIL');
  return updateStatus(
    status,
    (previous) => ({
      ...previous,
      connection: { status: report.connectionStatus, checkedAt: checkedAt.toISOString(), by: 'test-connection', ...(failed ? { failureReason: `${failed.name}: ${failed.detail}` } : {}) },
      ...(sasWarnings ? { warnings: sasWarnings, sasWarnings } : {}),
    }),
    () => undefined,
  );
}
