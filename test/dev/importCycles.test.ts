import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderGraph, importCycles, importGraph } from '../../dev/importCycles';
import { projectRoot } from '../../dev/paths';

const graphOf = (edges: Record<string, string[]>) => new Map(Object.entries(edges).map(([from, to]) => [from, new Set(to)]));

describe('import graph from tsc --explainFiles', () => {
  it('keeps imports between own files, whatever quotes the import used, and leaves out node_modules', () => {
    const explained = [
      'node_modules/zod/index.d.cts',
      "   Imported via 'zod' from file 'src/a.ts' with packageId 'zod/index.d.cts@4.6.7'",
      'src/b.ts',
      "   Imported via './b' from file 'src/a.ts'",
      '   Imported via "../src/b" from file \'test/b.test.ts\'',
      "   Matched by include pattern 'src/**/*.ts' in 'tsconfig.json'",
      "   File is CommonJS module because 'package.json' does not have field \"type\"",
      'src/a.ts',
      "   Imported via './a' from file 'node_modules/x/index.d.ts'",
    ].join('\n');
    expect(importGraph(explained)).toEqual(graphOf({ 'src/a.ts': ['src/b.ts'], 'test/b.test.ts': ['src/b.ts'] }));
  });
});

describe('folder graph', () => {
  it('joins the files of each folder of the root, leaves out imports within a folder and files outside the root', () => {
    const files = graphOf({
      'src/pages/a.ts': ['src/pages/b.ts', 'src/ports/p.ts'],
      'src/ports/p.ts': ['src/errors.ts'],
      'src/errors.ts': [],
      'test/x.test.ts': ['src/pages/a.ts'],
    });
    expect(folderGraph(files, 'src')).toEqual(graphOf({ 'src/pages': ['src/ports'], 'src/ports': ['src'] }));
  });

  it('a layer that imports back from one that depends on it is a cycle', () => {
    const files = graphOf({ 'src/pages/a.ts': ['src/ports/p.ts'], 'src/ports/p.ts': ['src/status/s.ts'], 'src/status/s.ts': ['src/pages/c.ts'], 'src/pages/c.ts': [] });
    expect(importCycles(folderGraph(files, 'src'))).toEqual([['src/pages', 'src/ports', 'src/status', 'src/pages']]);
  });
});

describe('import cycles', () => {
  it('finds none in a graph without one', () => {
    expect(importCycles(graphOf({ a: ['b', 'c'], b: ['c'], c: [] }))).toEqual([]);
  });

  it('gives one shortest cycle per group of files that import each other, and a file that imports itself', () => {
    const cycles = importCycles(graphOf({ a: ['b'], b: ['c', 'a'], c: ['a'], d: ['d'], e: ['a'] }));
    expect(cycles).toEqual([
      ['a', 'b', 'a'],
      ['d', 'd'],
    ]);
  });

  it('sees a cycle that only a type import closes, as tsc 7 resolves it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'import-cycles-'));
    try {
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'node16', strict: true, noEmit: true }, include: ['*.ts'] }));
      writeFileSync(join(dir, 'a.ts'), "import type { B } from './b';\nexport interface A { b?: B }\n");
      writeFileSync(join(dir, 'b.ts'), "import type { A } from './a';\nexport interface B { a?: A }\n");
      writeFileSync(join(dir, 'c.ts'), "import type { A } from './a';\nexport type C = A;\n");
      const tsc = join(projectRoot(), 'node_modules', 'typescript', 'bin', 'tsc');
      const run = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noCheck', '--explainFiles'], { cwd: dir, encoding: 'utf8' });
      expect(run.status).toBe(0);
      expect(importCycles(importGraph(run.stdout))).toEqual([['a.ts', 'b.ts', 'a.ts']]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
