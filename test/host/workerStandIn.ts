// Stands in for the Azure Functions Node.js worker, in a plain `node` process (not jest's module loader): it gives
// the app the `@azure/functions-core` module the worker provides, loads package.json's `main` the way the worker
// does (expanded with globby 11, relative to the app's folder; an entry file that throws is reported, and the rest
// still load), records each registration as the worker would send it to the host, then runs the invocations it is
// given through the library's own invocation model. Written from @azure/functions' public code and the worker's
// documented behaviour. Input: argv[2] the app folder, argv[3] a JSON list of invocations. Output: one JSON line.
import Module = require('node:module');
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import globby = require('globby');

interface Registration {
  name: string;
  bindings: Record<string, Record<string, unknown>>;
}

interface Invocation {
  functionName: string;
  /** The trigger's RPC data: { json } for a timer, { http } for an HTTP request. */
  trigger: Record<string, unknown>;
  triggerMetadata?: Record<string, unknown>;
}

interface ProgrammingModel {
  getInvocationModel(context: unknown): {
    getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
    invokeFunction(context: unknown, inputs: unknown[], handler: unknown): Promise<unknown>;
    getResponse(context: unknown, result: unknown): Promise<Record<string, unknown>>;
  };
}

const registered = new Map<string, { metadata: Registration; handler: unknown }>();
const logs: string[] = [];
let model: ProgrammingModel | undefined;

const core = {
  version: 'stand-in',
  setProgrammingModel: (m: ProgrammingModel) => void (model = m),
  getProgrammingModel: () => model,
  registerFunction(metadata: Registration, handler: unknown) {
    if (registered.has(metadata.name)) throw new Error(`A function named "${metadata.name}" is already registered`);
    registered.set(metadata.name, { metadata, handler });
    return { dispose: () => registered.delete(metadata.name) };
  },
  registerHook: () => ({ dispose: () => undefined }),
  log: (level: string, _category: string, message: string) => logs.push(`${level}: ${message}`),
};

// The worker answers require('@azure/functions-core') itself; nothing on disk is named so.
const CORE = '@azure/functions-core';
const resolving = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = resolving._resolveFilename;
resolving._resolveFilename = (request, ...rest) => (request === CORE ? CORE : resolve(request, ...rest));
const cached = new Module(CORE);
cached.exports = core;
cached.loaded = true;
require.cache[CORE] = cached;

async function main(): Promise<void> {
  const appDir = process.argv[2]!;
  const invocations = JSON.parse(process.argv[3] ?? '[]') as Invocation[];
  const main = (JSON.parse(readFileSync(join(appDir, 'package.json'), 'utf8')) as { main: string }).main;
  const files = await globby(main, { cwd: appDir });
  const loadErrors: Array<{ file: string; error: string }> = [];
  for (const file of files) {
    try {
      require(join(appDir, file));
    } catch (error) {
      loadErrors.push({ file, error: (error as Error).message });
    }
  }
  const results = [];
  for (const invocation of invocations) results.push(await invoke(invocation));
  const registrations = [...registered.values()].map((r) => r.metadata);
  process.stdout.write(`${JSON.stringify({ files, loadErrors, programmingModel: model !== undefined, registrations, results, logs })}\n`);
}

/** One invocation as the host sends it: the trigger's data under its binding's name. */
async function invoke(invocation: Invocation): Promise<Record<string, unknown>> {
  const fn = registered.get(invocation.functionName);
  if (!fn || !model) return { functionName: invocation.functionName, error: 'not registered' };
  const trigger = Object.entries(fn.metadata.bindings).find(([, b]) => b.direction === 'in' && String(b.type).endsWith('Trigger'))!;
  const invocationId = randomUUID();
  const context = {
    invocationId,
    metadata: { ...fn.metadata, bindings: fn.metadata.bindings },
    request: { invocationId, functionId: invocation.functionName, inputData: [{ name: trigger[0], data: invocation.trigger }], triggerMetadata: invocation.triggerMetadata ?? {} },
    log: (level: string, _category: string, message: string) => logs.push(`${level}: ${message}`),
    state: undefined,
  };
  const invocationModel = model.getInvocationModel(context);
  try {
    const args = await invocationModel.getArguments();
    const result = await invocationModel.invokeFunction(args.context, args.inputs, fn.handler);
    const response = await invocationModel.getResponse(args.context, result);
    return { functionName: invocation.functionName, response: plain(response) };
  } catch (error) {
    return { functionName: invocation.functionName, error: (error as Error).message };
  }
}

/** The RPC response with its bytes as text, for the test to read. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' ? Buffer.from((v as { data: number[] }).data).toString('utf8') : v)));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  },
);
