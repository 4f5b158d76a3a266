// `npm test`: makes sure the local vault's certificate exists, then runs jest with NODE_EXTRA_CA_CERTS
// pointing at it (Node reads that variable only at process start, so it must be set before jest starts).
// Writes jest's JSON report to dist/jest-results.json and ends with one plain summary line.
// `--coverage` (npm run test:coverage) runs jest under c8 and prints coverage per folder before that line.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { c8Args, coverageTable } from '../coverage';
import { projectRoot } from '../paths';
import { ensureDevCertificate } from '../tls';

async function main(): Promise<number> {
  const root = projectRoot();
  const { certPath } = await ensureDevCertificate();
  const report = join(root, 'dist', 'jest-results.json');
  const coverageSummary = join(root, 'coverage', 'coverage-summary.json');
  rmSync(report, { force: true });
  rmSync(coverageSummary, { force: true });
  const jestBin = require.resolve('jest/bin/jest');
  const coverage = process.argv.includes('--coverage');
  const jestArgs = [jestBin, '--json', `--outputFile=${report}`, ...process.argv.slice(2).filter((a) => a !== '--coverage')];
  const args = coverage ? [require.resolve('c8/bin/c8.js'), ...c8Args(root), process.execPath, ...jestArgs] : jestArgs;
  const env = { ...process.env, NODE_EXTRA_CA_CERTS: certPath };
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  if (!existsSync(report)) {
    console.log('jest: 0 passed, 1 failed');
    return code || 1;
  }
  if (coverage && existsSync(coverageSummary)) {
    const table = coverageTable(JSON.parse(readFileSync(coverageSummary, 'utf8')), root, existsSync);
    console.log([...table, `(per file: coverage/index.html; how to read it: docs/coverage.md)`].join('\n'));
  }
  const r = JSON.parse(readFileSync(report, 'utf8'));
  const failed = r.numFailedTests + r.numRuntimeErrorTestSuites;
  console.log(`jest: ${r.numPassedTests} passed, ${failed} failed`);
  return code !== 0 ? code : failed > 0 || r.numTotalTests === 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
