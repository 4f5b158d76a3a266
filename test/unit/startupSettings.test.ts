import { scheduleFromEnv, settingsAtStartup } from '../../src/config/startupSettings';
import { SettingsError } from '../../src/config/settings';

describe('timer schedule at registration', () => {
  it('maps each interval to its NCRONTAB schedule', () => {
    expect(scheduleFromEnv({ EXPORT_INTERVAL: 'EVERY_2_HOURS' })).toBe('0 0 */2 * * *');
    expect(scheduleFromEnv({ EXPORT_INTERVAL: 'EVERY_4_HOURS' })).toBe('0 0 */4 * * *');
    expect(scheduleFromEnv({ EXPORT_INTERVAL: 'EVERY_6_HOURS' })).toBe('0 0 */6 * * *');
    expect(scheduleFromEnv({ EXPORT_INTERVAL: 'EVERY_12_HOURS' })).toBe('0 0 */12 * * *');
    expect(scheduleFromEnv({ EXPORT_INTERVAL: 'EVERY_24_HOURS' })).toBe('0 0 0 * * *');
  });
  it('lets EXPORT_SCHEDULE override the interval', () => {
    expect(scheduleFromEnv({ EXPORT_INTERVAL: 'EVERY_2_HOURS', EXPORT_SCHEDULE: '0 15 * * * *' })).toBe('0 15 * * * *');
  });
  it('falls back to the default for bad values, leaving the run to report them', () => {
    expect(scheduleFromEnv({ EXPORT_SCHEDULE: 'every hour' })).toBe('0 0 */12 * * *');
    expect(scheduleFromEnv({ EXPORT_INTERVAL: 'HOURLY' })).toBe('0 0 */12 * * *');
  });
  it('validates settings once, and every run reports the same error', () => {
    const get = settingsAtStartup({});
    expect(get).toThrow(SettingsError);
    expect(get).toThrow(/AUDIT_API_URL is required/);
  });
});
