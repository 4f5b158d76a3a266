// `npm run stack` with the sample audit API's kinds, auth modes and faults chosen on the command line.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { parseStackArgs } from '../../dev/cli/stackArgs';
import { projectRoot } from '../../dev/paths';
import { spawnForJsonLine, waitForExit } from '../support/process';

const STACK_CLI = join(projectRoot(), 'dist', 'dev', 'cli', 'stack.js');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [STACK_CLI, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

it('--kind immuta-legacy --auth immuta-token --faults: the JSON line says so and the API behaves so', async () => {
  const { child, line } = await spawnForJsonLine(STACK_CLI, ['--events', '20', '--kind', 'immuta-legacy', '--auth', 'immuta-token', '--faults', '{"pageCap":3}']);
  try {
    expect(line).toMatchObject({ auditKind: 'immuta-legacy', auditAuth: 'immuta-token', auditEvents: 20 });
    const url = line.auditApiUrl as string;
    const exchanged = await fetch(`${url}/bim/apikey/authenticate`, { method: 'POST', body: JSON.stringify({ apikey: line.auditApiKey }) });
    const { token } = (await exchanged.json()) as { token: string };
    const range = `minDate=2000-01-01T00:00:00.000Z&maxDate=${encodeURIComponent(new Date().toISOString())}&offset=0&size=10`;
    const raw = await fetch(`${url}/audit?${range}`, { headers: { authorization: line.auditApiKey as string } });
    expect(raw.status).toBe(401);
    await raw.text();
    const page = await fetch(`${url}/audit?${range}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await page.json()) as { hits: Array<{ dateTime: unknown }>; count: number };
    expect(Object.keys(body)).toEqual(['hits', 'count', 'facets', 'minDate', 'maxDate']);
    expect(body.count).toBe(20);
    expect(body.hits).toHaveLength(3);
    expect(typeof body.hits[0].dateTime).toBe('number');
    child.kill('SIGTERM');
    expect(await waitForExit(child)).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
});

it('--help documents the sample audit API flags', async () => {
  const { code, stdout } = await run(['--help']);
  expect(code).toBe(0);
  for (const flag of ['--kind', '--auth', '--token-ttl-seconds', '--timestamp-style', '--legacy-datetime-string', '--same-instant', '--faults']) {
    expect(stdout).toContain(flag);
  }
  expect(stdout).toMatch(/immuta-uam \| immuta-legacy/);
  expect(stdout).toMatch(/bearer \| apikey \| immuta-token/);
});

it.each([
  [['--kind', 'splunk'], /--kind must be one of immuta-uam, immuta-legacy/],
  [['--auth', 'basic'], /--auth must be one of bearer, apikey, immuta-token/],
  [['--timestamp-style', 'local'], /--timestamp-style must be one of utc, offset-micros/],
  [['--faults', '{pageCap:3}'], /--faults must be JSON/],
  [['--faults', '{"pageCap":0}'], /--faults: faults.pageCap must be an integer/],
  [['--same-instant', '0'], /--same-instant must be a whole number/],
])('%j is refused before anything starts, naming the flag', async (args, message) => {
  const { code, stderr } = await run(args);
  expect(code).toBe(2);
  expect(stderr).toMatch(message);
});

it('the flags land in the stack options', () => {
  const { options } = parseStackArgs([
    '--timestamp-style', 'offset-micros', '--same-instant', '4', '--auth', 'apikey', '--token-ttl-seconds', '90',
    '--faults', '{"duplicates":{"every":3},"bounds":{"minDate":"exclusive"}}',
  ]);
  expect(options.audit).toMatchObject({ timestampStyle: 'offset-micros', sameInstant: 4 });
  expect(options).toMatchObject({ auditAuth: 'apikey', auditTokenTtlSeconds: 90 });
  expect(options.auditFaults).toEqual({ duplicates: { every: 3 }, bounds: { minDate: 'exclusive', maxDate: 'exclusive' } });
  expect(parseStackArgs(['--kind', 'immuta-legacy', '--legacy-datetime-string']).options.audit).toMatchObject({ kind: 'immuta-legacy', legacyDateTimeAsString: true });
  expect(parseStackArgs(['--kind', 'immuta-legacy', '--legacy-datetime-exponent']).options.audit).toMatchObject({ kind: 'immuta-legacy', legacyDateTimeExponent: true });
});
