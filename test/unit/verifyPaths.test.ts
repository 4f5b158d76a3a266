import { hourFilePath } from '../../src/lake/layout';
import { manifestPath } from '../../src/manifest/manifest';
import { classifyPath, hourLabel } from '../../src/verify/lakePaths';

const HOUR = Date.UTC(2026, 11, 1, 13);

describe('classifyPath: what verify makes of each file under ADLS_PATH', () => {
  it('part files and manifests, as the layouts write them', () => {
    expect(classifyPath('immuta-audit', hourFilePath('immuta-audit', new Date(HOUR + 5000), 12))).toEqual({ kind: 'data', hour: HOUR, part: 12 });
    expect(classifyPath('immuta-audit/', manifestPath('immuta-audit', new Date(HOUR), 3))).toEqual({ kind: 'manifest', hour: HOUR, revision: 3 });
    expect(hourLabel(HOUR)).toBe('2026-12-01T13');
  });

  it('the probe is ignored; anything else in an hour folder belongs to that hour; the rest to none', () => {
    const dir = 'immuta-audit/year=2026/month=12/day=01/hour=13';
    expect(classifyPath('immuta-audit', 'immuta-audit/_probe/connection-test.txt')).toEqual({ kind: 'probe' });
    expect(classifyPath('immuta-audit', 'immuta-audit/_owner')).toEqual({ kind: 'owner' });
    expect(classifyPath('immuta-audit', 'immuta-audit/sub/_owner')).toEqual({ kind: 'other' });
    expect(classifyPath('immuta-audit', `${dir}/notes.txt`)).toEqual({ kind: 'stray', hour: HOUR });
    expect(classifyPath('immuta-audit', `${dir}/audit-20261201T14-part-0000.ndjson`)).toEqual({ kind: 'stray', hour: HOUR }); // name and folder disagree
    expect(classifyPath('immuta-audit', 'immuta-audit/_manifests/year=2026/month=12/day=01/hour=13/manifest-r0000.json')).toEqual({ kind: 'stray', hour: HOUR });
    expect(classifyPath('immuta-audit', 'immuta-audit/year=2026/month=02/day=30/hour=13/x.ndjson')).toEqual({ kind: 'other' }); // no such day
    expect(classifyPath('immuta-audit', 'immuta-audit/readme.txt')).toEqual({ kind: 'other' });
    expect(classifyPath('immuta-audit', 'immuta-audit-2/year=2026/month=12/day=01/hour=13/x')).toEqual({ kind: 'other' });
  });
});
