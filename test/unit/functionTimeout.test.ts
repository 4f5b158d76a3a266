import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { budgetProblem, functionTimeoutMs, HOST_JSON } from '../../src/config/functionTimeout';
import { settingsAtStartup } from '../../src/config/startupSettings';
import { VALID_SETTINGS } from '../support/validSettings';

function hostJson(functionTimeout: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'host-')), 'host.json');
  writeFileSync(file, JSON.stringify({ version: '2.0', functionTimeout }));
  return file;
}

const ENV = VALID_SETTINGS;

describe("the run's deadline comes from host.json's functionTimeout", () => {
  it("reads the project's host.json: 30 minutes, Flex Consumption's default", () => {
    expect(HOST_JSON).toMatch(/host\.json$/);
    expect(functionTimeoutMs()).toBe(30 * 60_000);
  });

  it.each([
    ['00:10:00', 600_000],
    ['01:00:00', 3_600_000],
    ['1.02:00:00', 26 * 3_600_000],
    ['-1', Infinity],
  ])('%s is %d ms', (value, ms) => expect(functionTimeoutMs(hostJson(value))).toBe(ms));

  it.each([undefined, '10 minutes', 600, '00:10'])('refuses %j, naming the file and the setting', (value) => {
    expect(() => functionTimeoutMs(hostJson(value))).toThrow(expect.objectContaining({ code: 'InvalidSettings', message: expect.stringMatching(/host\.json: functionTimeout must be "hh:mm:ss"/) }));
  });

  it('a budget must leave the margin for the last batch and the checkpoint', () => {
    expect(budgetProblem(480, 10 * 60_000)).toBeUndefined();
    expect(budgetProblem(420, 9 * 60_000)).toBeUndefined();
    expect(budgetProblem(481, 9 * 60_000)).toBe(
      "EXPORT_TIME_BUDGET_SECONDS is 481, but host.json's functionTimeout of 540 s leaves at most 420 s once the last batch and the checkpoint (120 s) are allowed for: " +
        'lower EXPORT_TIME_BUDGET_SECONDS, or raise functionTimeout (the plan allows up to its own limit)',
    );
    expect(budgetProblem(86_400, Infinity)).toBeUndefined();
  });

  it('the timer refuses, at start-up, a budget that does not fit, naming both', () => {
    expect(() => settingsAtStartup({ ...ENV, EXPORT_TIME_BUDGET_SECONDS: '3000' }, 30 * 60_000)()).toThrow(
      /EXPORT_TIME_BUDGET_SECONDS is 3000, but host\.json's functionTimeout of 1800 s leaves at most 1680 s/,
    );
    expect(settingsAtStartup({ ...ENV, EXPORT_TIME_BUDGET_SECONDS: '1680' }, 30 * 60_000)().timeBudgetSeconds).toBe(1680);
  });
});
