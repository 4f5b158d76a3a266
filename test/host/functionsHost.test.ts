// The app as the Functions host loads it. Outside the host @azure/functions runs in test mode and skips every
// registration, so a wrong schedule, route, method or authLevel, or an entry file that throws while loading, would
// pass every other test. Here a plain node process stands in for the Node.js worker (workerStandIn.ts) with the
// values of local.settings.example.json pointed at the local stack, and invokes the functions as the host would.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exporterEnv } from '../../dev/exporterEnv';
import { projectRoot } from '../../dev/paths';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const ROOT = projectRoot();
const STAND_IN = join(ROOT, 'dist', 'test', 'host', 'workerStandIn.js');
const TIMER_PAYLOAD = '{"Schedule":{"AdjustForDST":true},"ScheduleStatus":null,"IsPastDue":false}';

interface Binding { type: string; direction: string; name: string; schedule?: string; route?: string; methods?: string[]; authLevel?: string }
interface WorkerView {
  files: string[];
  loadErrors: Array<{ file: string; error: string }>;
  programmingModel: boolean;
  registrations: Array<{ name: string; bindings: Record<string, Binding> }>;
  results: Array<{ functionName: string; response?: { returnValue?: { http?: { statusCode: string; body?: { bytes?: string } } } }; error?: string }>;
  logs: string[];
}

/** Where c8 collects coverage under `npm run test:coverage`: not a setting of the app, so the stand-in may inherit it. */
const coverageDir = process.env.NODE_V8_COVERAGE ? { NODE_V8_COVERAGE: process.env.NODE_V8_COVERAGE } : {};

/** Runs the stand-in with exactly `env` (nothing inherited but PATH), and the given invocations. */
function worker(env: Record<string, string>, invocations: object[] = []): Promise<WorkerView> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [STAND_IN, ROOT, JSON.stringify(invocations)], { env: { PATH: process.env.PATH ?? '', ...coverageDir, ...env } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!) as WorkerView) : reject(new Error(`the worker stand-in exited ${code}: ${err}`))));
  });
}

const timer = { functionName: 'auditExport', trigger: { json: TIMER_PAYLOAD } };
const http = (functionName: string, method: string, route: string) => ({
  functionName,
  trigger: { http: { method, url: `http://localhost:7071/api/${route}`, headers: { 'x-functions-key': 'a-function-key' }, query: {}, params: {}, identities: [] } },
  triggerMetadata: {},
});
const bodyOf = (view: WorkerView, name: string) => {
  const result = view.results.find((r) => r.functionName === name)!;
  const answer = result.response?.returnValue?.http;
  return { error: result.error, status: Number(answer?.statusCode), json: answer?.body?.bytes ? (JSON.parse(answer.body.bytes) as Record<string, unknown>) : undefined };
};
const bindingsOf = (view: WorkerView, name: string) => Object.values(view.registrations.find((r) => r.name === name)!.bindings);

describe('the functions as the Azure Functions Node.js worker loads and invokes them', () => {
  let h: Harness;
  let settings: Record<string, string>;
  beforeAll(async () => {
    h = await startHarness({ count: 300, start: new Date(Date.now() - 3 * 3600_000), spanSeconds: 2 * 3600, seed: 3 });
    // local.settings.example.json as an operator fills it in from `npm run stack`.
    const stack = { ...exporterEnv(h.stack.info, h.seeded), NODE_EXTRA_CA_CERTS: h.stack.info.caCertPath };
    const values = (JSON.parse(readFileSync(join(ROOT, 'local.settings.example.json'), 'utf8')) as { Values: Record<string, string> }).Values;
    settings = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, v.startsWith('<') ? stack[k as keyof typeof stack]! : v]));
    expect(Object.values(settings).some((v) => v === undefined || v.startsWith('<'))).toBe(false);
  });
  afterAll(() => h?.stop());

  it('registers exactly the three functions, with their schedule, routes, methods, authLevel and the $return binding', async () => {
    const view = await worker(settings);
    expect(view.files).toEqual(['dist/functions/auditExport.js', 'dist/functions/exportStatus.js', 'dist/functions/testConnection.js']);
    expect(view.loadErrors).toEqual([]);
    expect(view.programmingModel).toBe(true);
    expect(view.registrations.map((r) => r.name).sort()).toEqual(['auditExport', 'exportStatus', 'testConnection']);
    expect(bindingsOf(view, 'auditExport')).toEqual([expect.objectContaining({ type: 'timerTrigger', direction: 'in', schedule: '0 0 */12 * * *' })]);
    expect(bindingsOf(view, 'exportStatus')).toEqual([
      expect.objectContaining({ type: 'httpTrigger', direction: 'in', route: 'export/status', methods: ['GET'], authLevel: 'function' }),
      expect.objectContaining({ type: 'http', direction: 'out' }),
    ]);
    expect(view.registrations.find((r) => r.name === 'exportStatus')!.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
    expect(bindingsOf(view, 'testConnection')).toEqual([
      expect.objectContaining({ type: 'httpTrigger', direction: 'in', route: 'export/test-connection', methods: ['POST'], authLevel: 'function' }),
      expect.objectContaining({ type: 'http', direction: 'out' }),
    ]);
    expect(view.registrations.find((r) => r.name === 'testConnection')!.bindings.$return).toMatchObject({ type: 'http', direction: 'out' });
  });

  it.each([
    [{ EXPORT_INTERVAL: 'EVERY_2_HOURS' }, '0 0 */2 * * *'],
    [{ EXPORT_INTERVAL: 'EVERY_4_HOURS' }, '0 0 */4 * * *'],
    [{ EXPORT_INTERVAL: 'EVERY_6_HOURS' }, '0 0 */6 * * *'],
    [{ EXPORT_INTERVAL: 'EVERY_12_HOURS' }, '0 0 */12 * * *'],
    [{ EXPORT_INTERVAL: 'EVERY_24_HOURS' }, '0 0 0 * * *'],
    [{ EXPORT_INTERVAL: 'EVERY_2_HOURS', EXPORT_SCHEDULE: '0 30 1 * * 1-5' }, '0 30 1 * * 1-5'],
  ])('with %j the timer is registered on %s', async (extra, schedule) => {
    const view = await worker({ ...settings, ...extra });
    expect(bindingsOf(view, 'auditExport')).toEqual([expect.objectContaining({ type: 'timerTrigger', schedule })]);
  });

  it("the timer, invoked with the host's payload, exports; the HTTP functions answer as the host expects", async () => {
    const view = await worker({ ...settings, ADLS_PATH: 'host-timer' }, [timer, http('exportStatus', 'GET', 'export/status'), http('testConnection', 'POST', 'export/test-connection')]);
    expect(view.results.find((r) => r.functionName === 'auditExport')).toEqual({ functionName: 'auditExport', response: expect.any(Object) });
    expect(allLines(await h.readLake('host-timer'))).toEqual(h.apiEvents().map(expectedLine));
    const status = bodyOf(view, 'exportStatus');
    expect(status).toMatchObject({ status: 200, json: { enabled: true, connectionStatus: 'SUCCESS', lastRun: expect.objectContaining({ status: 'caught-up', events: 300 }) } });
    expect(bodyOf(view, 'testConnection')).toMatchObject({ status: 200, json: { connectionStatus: 'SUCCESS' } });
  });

  it('every entry file loads with no settings at all; a tick then fails with the settings message, and status says why', async () => {
    const view = await worker({}, [timer, http('exportStatus', 'GET', 'export/status')]);
    expect(view.loadErrors).toEqual([]);
    expect(view.registrations.map((r) => r.name).sort()).toEqual(['auditExport', 'exportStatus', 'testConnection']);
    expect(view.results[0]).toEqual({ functionName: 'auditExport', error: expect.stringMatching(/^Invalid settings:\n {2}- AUDIT_API_URL is required/) });
    expect(bodyOf(view, 'exportStatus')).toMatchObject({ status: 400, json: { code: 'InvalidSettings', error: expect.stringContaining('ADLS_FILE_SYSTEM is required') } });
  });
});
