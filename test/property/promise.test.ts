// The promise as a property (issue 22, item 13): for every generated hostile API, crash point and lake emptied
// between runs, the lake holds every event exactly once (the unreadable ones in _quarantine/), or the last run says
// it does not, in its exit code and in `status`, hour by hour. Seeded: PROP_SEED and PROP_RUNS replay or lengthen the
// search (docs/design.md, "How it is tested"); PROP_BEHAVIOURS=a,b,c tries only those behaviours, disabled or not.
import fc from 'fast-check';
import { BEHAVIOURS, checkPromise, promiseCases, runCase, type Behaviour } from '../support/promiseCase';

/** Behaviours that still break the promise on this tree; each leaves this list once issue 22's fix for it lands. */
const AWAITING_FIX: Behaviour[] = [];

const seed = Number(process.env.PROP_SEED ?? 22_013);
const numRuns = Number(process.env.PROP_RUNS ?? 100);
const only = process.env.PROP_BEHAVIOURS?.split(',').map((b) => b.trim()).filter(Boolean) as Behaviour[] | undefined;
const unknown = (only ?? []).filter((b) => !(BEHAVIOURS as readonly string[]).includes(b));
const enabled = only ?? BEHAVIOURS.filter((b) => !AWAITING_FIX.includes(b));

describe('the promise, for generated hostile APIs on the in-memory pair', () => {
  it(`holds for ${numRuns} cases (seed ${seed}) with ${enabled.join(', ')}`, async () => {
    expect(unknown).toEqual([]);
    try {
      await fc.assert(
        fc.asyncProperty(promiseCases(new Set(enabled)), async (c) => {
          const outcome = await runCase(c);
          const problems = checkPromise(outcome);
          if (problems.length > 0) {
            const runs = outcome.runs.map((r) => `${r.at} ${r.status} exit ${r.exit}${r.failure ? ` (${r.failure})` : ''}`);
            throw new Error(`${problems.join('\n')}\nruns:\n  ${runs.join('\n  ')}`);
          }
        }),
        { seed, numRuns, includeErrorInReport: true },
      );
    } catch (error) {
      throw new Error(`PROP_SEED=${seed} PROP_RUNS=${numRuns} PROP_BEHAVIOURS=${enabled.join(',')}\n${(error as Error).message}`);
    }
  }, Math.max(60_000, numRuns * 1_000));
});
