/** PASS: the link works. WARN: it works, but needs attention soon. FAIL: it does not. SKIP: not checked, needs a failed link. */
type CheckResult = 'PASS' | 'WARN' | 'FAIL' | 'SKIP';

export interface Check {
  name: string;
  result: CheckResult;
  detail: string;
  fix?: string;
}

export interface ConnectionReport {
  connectionStatus: 'SUCCESS' | 'FAILED';
  checks: Check[];
}

/** A warning is not a failure: the connection works. */
export function connectionStatusOf(checks: readonly Check[]): ConnectionReport['connectionStatus'] {
  return checks.every((c) => c.result === 'PASS' || c.result === 'WARN') ? 'SUCCESS' : 'FAILED';
}

/** One line per check, with the fix under a warning or failure. */
export function formatReport(report: ConnectionReport): string {
  const lines = report.checks.map((c) => `${c.result} ${c.name.padEnd(9)} ${c.detail}${c.fix ? `\n     fix: ${c.fix}` : ''}`);
  return [...lines, `connectionStatus: ${report.connectionStatus}`].join('\n');
}
