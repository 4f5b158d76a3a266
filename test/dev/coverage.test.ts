import { coverageTable, isTypesOnly } from '../../dev/coverage';

const counts = (lines: [number, number], branches: [number, number], functions: [number, number]) => ({
  lines: { covered: lines[0], total: lines[1] },
  branches: { covered: branches[0], total: branches[1] },
  functions: { covered: functions[0], total: functions[1] },
});

describe('coverage of src/ and functions/', () => {
  it('leaves out modules tsc compiled to nothing that runs, and only those', () => {
    const preamble = '"use strict";\nObject.defineProperty(exports, "__esModule", { value: true });\n';
    expect(isTypesOnly(`${preamble}//# sourceMappingURL=clock.js.map`)).toBe(true);
    expect(isTypesOnly(`${preamble}exports.HOUR = void 0;\nexports.HOUR = 3600000;\n//# sourceMappingURL=time.js.map`)).toBe(false);
  });

  it('adds files up per folder of src/, src/ itself and functions/, with a total, and leaves out files that are gone', () => {
    const summary = {
      total: counts([0, 0], [0, 0], [0, 0]),
      '/repo/src/errors.ts': counts([9, 10], [1, 2], [1, 1]),
      '/repo/src/batches/a.ts': counts([30, 40], [3, 4], [2, 4]),
      '/repo/src/batches/deep/b.ts': counts([10, 10], [1, 1], [0, 0]),
      '/repo/src/pipeline/old.ts': counts([0, 99], [0, 9], [0, 9]),
      '/repo/functions/auditExport.ts': counts([0, 11], [0, 0], [0, 1]),
    };
    const lines = coverageTable(summary, '/repo', (path) => !path.includes('/pipeline/')).map((l) => l.split(/\s+/).join(' '));
    expect(lines).toEqual([
      'coverage lines branches functions',
      'functions 0.0% (0/11) — 0.0%',
      'src 90.0% (9/10) 50.0% 100.0%',
      'src/batches 80.0% (40/50) 80.0% 50.0%',
      'total 69.0% (49/71) 71.4% 50.0%',
      '(1 files in dist/ whose source is gone were left out: npm run clean)',
    ]);
  });
});
