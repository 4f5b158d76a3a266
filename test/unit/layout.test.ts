import { hourFilePath } from '../../src/lake/layout';

describe('hourFilePath', () => {
  it('builds Hive-style hour partitions and a numbered part file from the UTC hour', () => {
    expect(hourFilePath('immuta-audit', new Date('2026-07-04T09:59:59.999Z'), 0)).toBe(
      'immuta-audit/year=2026/month=07/day=04/hour=09/audit-20260704T09-part-0000.ndjson',
    );
    expect(hourFilePath('a/b/', new Date('2026-12-31T23:00:00Z'), 12)).toBe(
      'a/b/year=2026/month=12/day=31/hour=23/audit-20261231T23-part-0012.ndjson',
    );
  });

  it('refuses a part number that does not fit four digits', () => {
    expect(() => hourFilePath('x', new Date(0), 10_000)).toThrow(RangeError);
    expect(() => hourFilePath('x', new Date(0), -1)).toThrow(RangeError);
  });
});
