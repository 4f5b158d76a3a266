// The promise property's checker can fail: it is shown lakes that break the promise, and statuses that do or do not
// own up to it. (The property itself is promise.test.ts.)
import { checkPromise, runCase, type CaseOutcome, type PromiseCase } from '../support/promiseCase';

const clean: PromiseCase = { seed: 1, minutes: [0, 0, 10, 70, 130, 130], pageSize: 3, batchMaxBytes: 400, fileMaxBytes: 2000, runsAt: [30, 100] };
const HOUR_1 = '2026-06-01T01:00:00.000Z';

/** The lake's first part file of hour 1, and its lines. */
function hourOnePart(o: CaseOutcome): { path: string; lines: string[] } {
  const path = o.lake.paths().find((p) => p.includes('/hour=01/') && !p.includes('/_'))!;
  return { path, lines: o.lake.read(path)!.toString('utf8').split('\n').slice(0, -1) };
}
const rewrite = (o: CaseOutcome, path: string, lines: string[]) => o.lake.put(path, Buffer.from(lines.map((l) => `${l}\n`).join('')));

describe('the promise checker', () => {
  it('a clean case keeps the promise: caught-up, exit 0, every event once', async () => {
    const o = await runCase(clean);
    expect(o.last).toMatchObject({ status: 'caught-up', exit: 0 });
    expect(o.due).toHaveLength(clean.minutes.length);
    expect(checkPromise(o)).toEqual([]);
  });

  it('an event missing or written twice breaks a caught-up run with exit 0, whatever status says', async () => {
    const o = await runCase(clean);
    const { path, lines } = hourOnePart(o);
    rewrite(o, path, []);
    o.view.noticed = [{ hour: HOUR_1, missing: 1, noticedAt: o.last.at, countedAt: o.last.at }];
    expect(checkPromise(o)).toEqual([`caught-up with exit 0, but ${HOUR_1}: missing 1, doubled 0, unreadable not in _quarantine/ 0`]);
    rewrite(o, path, [...lines, ...lines]);
    expect(checkPromise(o)).toEqual([`caught-up with exit 0, but ${HOUR_1}: missing 0, doubled 1, unreadable not in _quarantine/ 0`]);
  });

  it('a run that ends incomplete keeps it only if status names the hour with a number', async () => {
    const o = await runCase(clean);
    const { path } = hourOnePart(o);
    rewrite(o, path, []);
    o.last = { ...o.last, status: 'incomplete', exit: 3 };
    expect(checkPromise(o)).toEqual([`incomplete (exit 3), status does not name ${HOUR_1}: missing 1, doubled 0, unreadable not in _quarantine/ 0`]);
    o.view.noticed = [{ hour: HOUR_1, missing: 0, noticedAt: o.last.at, countedAt: o.last.at }];
    expect(checkPromise(o)).toHaveLength(1); // named, but with no number
    o.view.noticed = [{ hour: HOUR_1, missing: 1, noticedAt: o.last.at, countedAt: o.last.at }];
    expect(checkPromise(o)).toEqual([]);
  });

  it('a failed run owns up to what lies past its watermark, not before it; and a failure needs a reason in the API or lake', async () => {
    const o = await runCase(clean);
    const { path } = hourOnePart(o);
    rewrite(o, path, []);
    o.last = { ...o.last, status: 'failed', exit: 1, failure: 'StorageError: simulated' };
    o.view.watermark = HOUR_1;
    expect(checkPromise(o)).toEqual([expect.stringContaining('the export stopped for good')]);
    o.case = { ...o.case, emptyLakeBefore: 1 };
    expect(checkPromise(o)).toEqual([]);
    o.view.watermark = '2026-06-01T02:00:00.000Z';
    expect(checkPromise(o)).toEqual([`failed (exit 1), status does not name ${HOUR_1}: missing 1, doubled 0, unreadable not in _quarantine/ 0`]);
    o.view.lastRun = { ...o.view.lastRun!, failureReason: `the lake path was emptied: ${HOUR_1} (4 events) may be gone` };
    expect(checkPromise(o)).toEqual([]);
  });

  it('an unreadable event must be in a _quarantine/ file byte for byte', async () => {
    const o = await runCase(clean);
    const raw = '{"id":"bad/0","eventTimestamp":"2026-06-01T01:10:60Z","action":"QUERY"}';
    const fact = { event: { id: 'bad/0', t: Date.parse(HOUR_1) + 600_000, raw }, unreadable: raw, visibleAt: 0, fromRequest: 0 };
    o.facts.push(fact);
    o.due.push(fact);
    expect(checkPromise(o)).toEqual([`caught-up with exit 0, but ${HOUR_1}: missing 0, doubled 0, unreadable not in _quarantine/ 1`]);
    const quarantine = 'audit/_quarantine/year=2026/month=06/day=01/hour=01/quarantine-20260601T01-part-0000.ndjson';
    o.lake.put(quarantine, Buffer.from(`${raw.replace('"bad/0"', '"bad\\/0"')}\n`));
    expect(checkPromise(o)).toHaveLength(1); // the same event by value, but not its bytes
    o.lake.put(quarantine, Buffer.from(`${raw}\n`));
    expect(checkPromise(o)).toEqual([]);
  });
});
