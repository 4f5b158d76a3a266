// Every npm script runs on Node 22: the `node` devDependency puts its binary first on the scripts' PATH, whatever
// Node the machine has (Azure Functions supports Node 22; Node 20 left support in April 2026).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../dev/paths';

const root = projectRoot();
const major = (version: string) => Number(version.replace(/^v/, '').split('.')[0]);

describe('the Node runtime the scripts run on', () => {
  it('is Node 22 in the test process itself', () => {
    expect(major(process.version)).toBe(22);
  });

  it('is the version the project pins, and what engines and .nvmrc ask for', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string }; devDependencies: Record<string, string> };
    expect(major(pkg.devDependencies.node!)).toBe(22);
    expect(pkg.engines.node).toBe('>=22.0.0');
    expect(readFileSync(join(root, '.nvmrc'), 'utf8').trim()).toBe('22');
    expect(process.version).toBe(`v${pkg.devDependencies.node}`);
  });

  it('is what `npm run` gives a script, not the machine\'s own node', () => {
    const printed = execFileSync('npm', ['exec', '--', 'node', '-p', 'process.version'], { cwd: root, encoding: 'utf8', env: { ...process.env, npm_config_update_notifier: 'false' } });
    expect(major(printed.trim())).toBe(22);
  });
});
