// Shrunk counter-examples the promise property found on the tree before issue 22's fixes, as fixed cases. Each is
// skipped until the fix it names lands; then it must pass as it stands (the case is not to be changed to pass).
import { checkPromise, runCase, type PromiseCase } from '../support/promiseCase';

const base = { seed: 1, pageSize: 2, batchMaxBytes: 200, fileMaxBytes: 500 };

async function expectPromiseKept(c: PromiseCase): Promise<void> {
  const outcome = await runCase(c);
  const runs = outcome.runs.map((r) => `${r.at} ${r.status} exit ${r.exit}${r.failure ? ` (${r.failure})` : ''}`);
  expect({ problems: checkPromise(outcome), runs }).toEqual({ problems: [], runs });
}

describe('the promise, in the cases the property shrank to', () => {
  it.skip('a count one below the truth does not end the window early (issue 22 item 1; today: caught-up, exit 0, one event of hour 1 missing)', () =>
    expectPromiseKept({ ...base, minutes: [60, 60, 60], runsAt: [20], countOff: -1 }));

  it.skip('a count capped at 1 does not end the window early (item 1; today: caught-up, exit 0, one event of hour 2 missing)', () =>
    expectPromiseKept({ ...base, minutes: [120, 120, 120], runsAt: [20], countCap: 1 }));

  it('an id spelled with escapes is one id (item 2)', () =>
    expectPromiseKept({ ...base, minutes: [60, 60, 60], runsAt: [20], escapedIds: true }));

  it('one id at two instants keeps both versions (item 11)', () =>
    expectPromiseKept({ ...base, minutes: [0, 0], runsAt: [20], restamped: [{ index: 1, shiftMinutes: -1, visibleAfterMinutes: 21 }] }));

  it('an instant crowded past a page and reordered stays incomplete on the next run (item 4)', () =>
    expectPromiseKept({ ...base, minutes: [], runsAt: [126], crowd: { minute: 120, size: 8 } }));

  it('an instant crowded past a page and reordered is not re-checked before its batch is in (item 3)', () =>
    expectPromiseKept({ ...base, minutes: [], runsAt: [20], crowd: { minute: 120, size: 13 } }));

  it.skip('order broken across pages is refused, not explained away (item 10, and 4; today: incomplete, exit 3, then caught-up, exit 0, one missing)', () =>
    expectPromiseKept({ ...base, minutes: [60, 60, 60], runsAt: [66], brokenOrder: true }));

  it('an event inserted while its hour is paged is not re-checked before its batch is in (item 3)', () =>
    expectPromiseKept({ ...base, minutes: [120, 120], runsAt: [20], inserted: [{ index: 1, fromRequest: 5 }] }));

  it.skip.each(['leapSecond', 'numericId', 'noZone', 'noTime'] as const)(
    'an event that cannot be placed (%s) goes to _quarantine/ and the export goes on (item 5; today: InvalidPage on every run)',
    (kind) => expectPromiseKept({ ...base, minutes: [0, 30], runsAt: [20], unreadable: [{ kind, minute: 10 }] }),
  );

  it.skip('a lake path emptied between runs stops the export loudly (item 8; today: caught-up, exit 0, the hour gone)', () =>
    expectPromiseKept({ ...base, minutes: [0], runsAt: [20, 20], emptyLakeBefore: 1 }));
});
