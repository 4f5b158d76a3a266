import { settingsAtStartup } from '../config/startupSettings';
import type { Settings } from '../config/settings';
import { Composition } from '../run/composition';

/**
 * The composition, built at the first invocation that needs it and kept for the life of the worker process; bad
 * settings are the error every invocation reports.
 */
export function compositionAtStartup(getSettings: () => Settings = settingsAtStartup()): () => Composition {
  let built: Composition | undefined;
  return () => (built ??= new Composition(getSettings()));
}

/** The one every function of this worker shares: one credential, one set of clients. */
export const workerComposition = compositionAtStartup();
