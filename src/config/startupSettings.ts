import { SETTING_DEFAULTS } from './defaults';
import { budgetProblem, functionTimeoutMs } from './functionTimeout';
import { loadSettings, SettingsError, type Settings } from './settings';
import { INTERVAL_SCHEDULES, scheduleProblem, type ExportInterval } from './schedule';

/**
 * The timer's schedule is needed when the worker registers functions, before any run: take it from
 * EXPORT_SCHEDULE or EXPORT_INTERVAL, and fall back to the default so that bad settings are reported by
 * the run (with every problem listed) instead of stopping the worker from indexing the function.
 */
export function scheduleFromEnv(env: Record<string, string | undefined> = process.env): string {
  const explicit = env.EXPORT_SCHEDULE?.trim();
  if (explicit && !scheduleProblem(explicit)) return explicit;
  const interval = env.EXPORT_INTERVAL?.trim() as ExportInterval | undefined;
  return (interval && INTERVAL_SCHEDULES[interval]) || INTERVAL_SCHEDULES[SETTING_DEFAULTS.EXPORT_INTERVAL];
}

/**
 * Settings validated once, when the worker starts, including that the time budget fits in host.json's function
 * timeout; a bad value is kept as the error every run reports.
 */
export function settingsAtStartup(env: Record<string, string | undefined> = process.env, timeoutMs = functionTimeoutMs()): () => Settings {
  let result: { settings: Settings } | { error: unknown };
  try {
    const settings = loadSettings(env);
    const problem = budgetProblem(settings.timeBudgetSeconds, timeoutMs);
    result = problem ? { error: new SettingsError([problem]) } : { settings };
  } catch (error) {
    result = { error };
  }
  return () => {
    if ('error' in result) throw result.error;
    return result.settings;
  };
}
