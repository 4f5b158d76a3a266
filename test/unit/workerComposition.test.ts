import { settingsAtStartup } from '../../src/config/startupSettings';
import { SettingsError } from '../../src/config/settings';
import { compositionAtStartup } from '../../src/host/workerComposition';
import { VALID_SETTINGS } from '../support/validSettings';

describe('the worker process builds its composition once', () => {
  it('hands every invocation the same credential and clients', () => {
    const get = compositionAtStartup(settingsAtStartup(VALID_SETTINGS));
    const first = get();
    expect(get()).toBe(first);
    expect(first.checkpoints()).not.toBe(first.checkpoints()); // each run its own lease holder, over the shared container
  });

  it('with bad settings, every invocation reports the same error and nothing is built', () => {
    const get = compositionAtStartup(settingsAtStartup({}));
    expect(get).toThrow(SettingsError);
    expect(get).toThrow(/AUDIT_API_URL is required/);
  });
});
