import { spawnSync } from 'node:child_process';
import { ensureDevCertificate } from './tls';

/**
 * Node reads NODE_EXTRA_CA_CERTS only at start-up. A dev entry point that talks to the local HTTPS vault calls
 * this first: if the variable is not already set to the vault's certificate, it runs the same script again in a
 * child with it set and exits with the child's code; otherwise it returns and the caller goes on.
 */
export async function relaunchTrustingVault(): Promise<void> {
  const { certPath } = await ensureDevCertificate();
  if (process.env.NODE_EXTRA_CA_CERTS === certPath) return;
  const result = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath },
  });
  process.exit(result.status ?? 1);
}
