// The Node arguments the deployment gives the worker, so benchmarks run what is deployed.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { projectRoot } from '../dev/paths';

/** languageWorkers__node__arguments as infra/main.bicep sets it. */
export async function deployedNodeArguments(): Promise<string> {
  const bicep = await readFile(join(projectRoot(), 'infra', 'main.bicep'), 'utf8');
  const match = /name: 'languageWorkers__node__arguments', value: '([^']*)'/.exec(bicep);
  if (!match) throw new Error('infra/main.bicep sets no languageWorkers__node__arguments; pass --node-args="…"');
  return match[1]!;
}
