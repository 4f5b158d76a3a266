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
  it('a count one below the truth does not end the window early (issue 22 item 1)', () =>
    expectPromiseKept({ ...base, minutes: [60, 60, 60], runsAt: [20], countOff: -1 }));

  it('a count capped at 1 does not end the window early (item 1)', () =>
    expectPromiseKept({ ...base, minutes: [120, 120, 120], runsAt: [20], countCap: 1 }));

  it('an id spelled with escapes is one id (item 2)', () =>
    expectPromiseKept({ ...base, minutes: [60, 60, 60], runsAt: [20], escapedIds: true }));

  it('one id at two instants keeps both versions (item 11)', () =>
    expectPromiseKept({ ...base, minutes: [0, 0], runsAt: [20], restamped: [{ index: 1, shiftMinutes: -1, visibleAfterMinutes: 21 }] }));

  it('an instant crowded past a page and reordered stays incomplete on the next run (item 4)', () =>
    expectPromiseKept({ ...base, minutes: [], runsAt: [126], crowd: { minute: 120, size: 8 } }));

  it('an instant crowded past a page and reordered is not re-checked before its batch is in (item 3)', () =>
    expectPromiseKept({ ...base, minutes: [], runsAt: [20], crowd: { minute: 120, size: 13 } }));

  it('order broken across pages is refused, not explained away (item 10, and 4)', () =>
    expectPromiseKept({ ...base, minutes: [60, 60, 60], runsAt: [66], brokenOrder: true }));

  it('an event inserted while its hour is paged is not re-checked before its batch is in (item 3)', () =>
    expectPromiseKept({ ...base, minutes: [120, 120], runsAt: [20], inserted: [{ index: 1, fromRequest: 5 }] }));

  it.each(['leapSecond', 'numericId', 'noZone', 'noTime'] as const)(
    'an event that cannot be placed (%s) goes to _quarantine/ and the export goes on (item 5)',
    (kind) => expectPromiseKept({ ...base, minutes: [0, 30], runsAt: [20], unreadable: [{ kind, minute: 10 }] }),
  );

  it('an event with no time served past the window\'s end is not counted as the window\'s, hiding a late event (item 5)', () =>
    expectPromiseKept({
      ...base, minutes: [0], runsAt: [61], late: [{ index: 0, delayMinutes: 62 }],
      unreadable: [{ kind: 'leapSecond', minute: 60 }, { kind: 'leapSecond', minute: 0 }],
    }));

  it('an event with no time served past the window\'s end is not counted as the window\'s, hiding a crowded instant\'s gap (item 5)', () =>
    expectPromiseKept({ ...base, minutes: [], pageSize: 3, runsAt: [20, 125], crowd: { minute: 60, size: 20 }, unreadable: [{ kind: 'leapSecond', minute: 120 }] }));

  it('a lake path emptied between runs stops the export loudly (item 8)', () =>
    expectPromiseKept({ ...base, minutes: [0], runsAt: [20, 20], emptyLakeBefore: 1 }));

  it('a lake emptied, then a run killed at its checkpoint write after making _owner anew, is still a reset (item 8)', () =>
    expectPromiseKept({ ...base, minutes: [0], runsAt: [20, 20, 20], emptyLakeBefore: 2, crash: { run: 2, at: 3, after: false } }));

  it('pages sorted only within themselves, with maxDate inclusive and two events on the hour filling the answer: the last millisecond is paged to count them, and the gap is noticed (item 10)', () =>
    expectPromiseKept({ ...base, minutes: [60, 0, 0, 60], runsAt: [65], brokenOrder: true, classic: { minInclusive: false, maxInclusive: true, duplicated: [], noCount: false } }));

  it('a count one below the truth, maxDate inclusive and an event on the window\'s end: the window is unverified, not a negative count in the checkpoint (item 1)', () =>
    expectPromiseKept({ ...base, minutes: [21], runsAt: [20, 26], countOff: -1, classic: { minInclusive: false, maxInclusive: true, duplicated: [], noCount: false } }));

  // Open (see the issue 22 note): after the kill, hour 01's exported count is one too high, so the re-check finds 7
  // late events where there are 8, appends 7 and takes the hour as whole. Without the kill it finds 8, appends 7 and
  // keeps the hour noticed, as it should.
  it.skip('a run killed after an append, with duplicates, a page cap, a crowded reordered instant and an insert: nothing missing behind a caught-up run', () =>
    expectPromiseKept({"seed":654128,"minutes":[119,49,2,123,152,142,94,179,11,143,105,10,52,53,112,82,81,98,74,105,17,67,154,35,73,0,130,95,1,7,60,109,30,80,2,0,131,179,9,113,118,161],"pageSize":10,"batchMaxBytes":210,"fileMaxBytes":4177,"runsAt":[56,59,100],"pageCap":7,"crowd":{"minute":95,"size":30},"inserted":[{"index":39,"fromRequest":35}],"crash":{"run":2,"at":24,"after":true},"classic":{"minInclusive":true,"maxInclusive":true,"duplicated":[37,51,14],"noCount":false}}));
});
