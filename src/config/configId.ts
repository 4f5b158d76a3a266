import { createHash } from 'node:crypto';
import type { Settings } from './settings';

/** A stable name for one export configuration (source + destination), so several exports can share host storage. */
export function configId(s: Pick<Settings, 'auditApiUrl' | 'dfsEndpoint' | 'fileSystem' | 'path'>): string {
  const key = JSON.stringify([s.auditApiUrl, s.dfsEndpoint.toLowerCase(), s.fileSystem, s.path]);
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
