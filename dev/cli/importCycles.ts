// `npm run check:code` (first half): fails when the project's own files import each other in a cycle, types included,
// or when the folders of src/ (its layers) do.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../paths';
import { folderGraph, importCycles, importGraph } from '../importCycles';

const root = projectRoot();
// --noCheck: only the program's files and why each is in it are needed, not a type check.
const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--noEmit', '--noCheck', '--explainFiles'], {
  cwd: root,
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
});
const graph = importGraph(tsc.stdout);
if (tsc.status !== 0 || graph.size === 0) {
  console.error(`tsc --explainFiles failed (exit ${tsc.status}):\n${tsc.stderr}${tsc.stdout.slice(-2000)}`);
  process.exit(1);
}
const cycles = importCycles(graph);
for (const cycle of cycles) console.log(`import cycle: ${cycle.join(' → ')}`);
console.log(`import cycles: ${cycles.length} among ${graph.size} files that import others`);
const layers = folderGraph(graph, 'src');
const layerCycles = importCycles(layers);
for (const cycle of layerCycles) console.log(`folder cycle: ${cycle.join(' → ')}`);
console.log(`folder cycles: ${layerCycles.length} among the ${layers.size} folders of src/ that import others`);
process.exit(cycles.length === 0 && layerCycles.length === 0 ? 0 : 1);
