// `npm run test:coverage`: how c8 measures the tests' coverage of src/ and functions/, and the short table printed
// from its json-summary report, one row per folder.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * c8 sets NODE_V8_COVERAGE for the command it runs; jest's workers and every child they start with the environment
 * inherit it (the CLI runs of the integration tests, the Functions worker stand-in). Each process writes V8's
 * coverage when it exits; c8 then maps dist/ back to src/ and functions/ through tsc's source maps. --all counts
 * files no test loads, except modules of types only: tsc compiles them to nothing that could run.
 */
export function c8Args(root: string): string[] {
  const compiled = ['src', 'functions'].flatMap((dir) => jsFiles(join(root, 'dist', dir)));
  const typesOnly = compiled.filter((file) => isTypesOnly(readFileSync(file, 'utf8'))).map((file) => relative(root, file));
  return [
    '--all',
    ...['dist/src', 'dist/functions'].flatMap((dir) => ['--src', dir]),
    ...['dist/src/**/*.js', 'dist/functions/**/*.js'].flatMap((glob) => ['--include', glob]),
    ...typesOnly.flatMap((file) => ['--exclude', file]),
    ...['json-summary', 'html'].flatMap((reporter) => ['--reporter', reporter]),
    ...['--report-dir', 'coverage', '--temp-directory', 'coverage/tmp'],
  ];
}

const jsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.js'))
    .map((e) => join(e.parentPath, e.name));

/** What tsc emits for a module that declares only types: the CommonJS preamble and the source map's address. */
export function isTypesOnly(compiledJs: string): boolean {
  const preamble = new Set(['"use strict";', 'Object.defineProperty(exports, "__esModule", { value: true });']);
  return compiledJs.split('\n').every((line) => line.trim() === '' || preamble.has(line.trim()) || line.startsWith('//# sourceMappingURL='));
}

/** What istanbul's json-summary holds for each file (keyed by absolute path) and for `total`. */
type Counts = { total: number; covered: number };
type FileSummary = { lines: Counts; branches: Counts; functions: Counts };

const METRICS = ['lines', 'branches', 'functions'] as const;

/** src/<folder> for files in a folder of src/, else the file's top folder (src for src/errors.ts, functions). */
function folderOf(path: string): string {
  const parts = path.split('/');
  return parts[0] === 'src' && parts.length > 2 ? `src/${parts[1]}` : parts[0]!;
}

/**
 * A header, one line per folder and a total: lines as "percent (covered/total)", branches and functions as percents.
 * `exists` leaves out files whose source is gone (a stale dist/ from before a rename).
 */
export function coverageTable(summary: Record<string, FileSummary>, root: string, exists: (path: string) => boolean): string[] {
  const folders = new Map<string, FileSummary>();
  const zero = (): FileSummary => ({ lines: { total: 0, covered: 0 }, branches: { total: 0, covered: 0 }, functions: { total: 0, covered: 0 } });
  const total = zero();
  let stale = 0;
  for (const [file, counts] of Object.entries(summary)) {
    if (file === 'total') continue;
    if (!exists(file)) {
      stale++;
      continue;
    }
    const name = folderOf(relative(root, file));
    const folder = folders.get(name) ?? zero();
    folders.set(name, folder);
    for (const m of METRICS) {
      for (const into of [folder, total]) {
        into[m].total += counts[m].total;
        into[m].covered += counts[m].covered;
      }
    }
  }
  const pct = (c: Counts) => (c.total === 0 ? '—' : `${((100 * c.covered) / c.total).toFixed(1)}%`);
  const row = (name: string, s: FileSummary) =>
    `${name.padEnd(18)} ${pct(s.lines).padStart(6)} ${`(${s.lines.covered}/${s.lines.total})`.padEnd(13)} ${pct(s.branches).padStart(8)} ${pct(s.functions).padStart(9)}`;
  return [
    `${'coverage'.padEnd(18)} ${'lines'.padStart(6)} ${''.padEnd(13)} ${'branches'.padStart(8)} ${'functions'.padStart(9)}`,
    ...[...folders.keys()].sort().map((name) => row(name, folders.get(name)!)),
    row('total', total),
    ...(stale > 0 ? [`(${stale} files in dist/ whose source is gone were left out: npm run clean)`] : []),
  ];
}
