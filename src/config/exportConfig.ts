import { z } from 'zod';
import { ExportError } from '../errors';
import { AUDIT_API_AUTHS, AUDIT_API_KINDS } from './auditApiKind';
import { exportStartProblem } from './exportStart';
import { ACCOUNT_NAME, FILE_SYSTEM_NAME, SECRET_NAME, directoryPathProblem } from './names';
import { endpointProblem } from './urls';
import { EXPORT_INTERVALS, scheduleProblem } from './schedule';

/**
 * An export configuration file in the shape of the reference product's ADLS export configuration, with the
 * SAS as a Key Vault reference instead of a literal token. It maps onto the same app settings as the table
 * in the README, so a file and environment variables can never mean different things.
 */
const httpsUrl = (what: string, loopbackHttp: boolean) =>
  z.string({ error: `is required: the ${what}` }).refine((v) => !endpointProblem(v, { what, loopbackHttp, baseOnly: true }), {
    error: (i) => `${endpointProblem(String(i.input), { what, loopbackHttp, baseOnly: true })}`,
  });
const secretName = (what: string) =>
  z.string({ error: `is required: the Key Vault secret name holding ${what}` }).regex(SECRET_NAME, `must be a Key Vault secret name (1-127 letters, digits, hyphens) holding ${what}`);

const schema = z
  .strictObject({
    interval: z.enum(EXPORT_INTERVALS, { error: `must be one of ${EXPORT_INTERVALS.join(', ')}` }).optional(),
    schedule: z.string().refine((v) => !scheduleProblem(v), { error: (i) => `${scheduleProblem(String(i.input))}` }).optional(),
    storageAccount: z.string().regex(ACCOUNT_NAME, 'must be a storage account name: 3-24 lowercase letters and digits').optional(),
    dfsEndpoint: httpsUrl('Data Lake (dfs) endpoint', true).optional(),
    fileSystem: z
      .string({ error: 'is required: the file system (container) to write to' })
      .regex(FILE_SYSTEM_NAME, 'must be a file system name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit'),
    path: z
      .string({ error: 'is required: the directory inside the file system' })
      .refine((v) => !directoryPathProblem(v), { error: (i) => `${directoryPathProblem(String(i.input))}` }),
    sasToken: z.strictObject(
      { keyVaultUrl: httpsUrl('Key Vault', false), secretName: secretName('the SAS token') },
      { error: 'is required: {"keyVaultUrl": "https://…vault.azure.net", "secretName": "…"} (a Key Vault reference, never a literal token)' },
    ),
    auditApi: z.strictObject(
      {
        url: httpsUrl('audit API', true),
        apiKeySecretName: secretName('the audit API key').optional(),
        kind: z.enum(AUDIT_API_KINDS, { error: `must be one of ${AUDIT_API_KINDS.join(', ')}` }).optional(),
        auth: z.enum(AUDIT_API_AUTHS, { error: `must be one of ${AUDIT_API_AUTHS.join(', ')}` }).optional(),
      },
      { error: 'is required: {"url": "https://…", "apiKeySecretName": "…", "kind": "immuta-uam", "auth": "bearer"}' },
    ),
    exportStart: z.iso
      .datetime({ offset: true, error: 'must be an ISO-8601 time with a zone' })
      .refine((v) => !exportStartProblem(new Date(v), new Date()), { error: (i) => `${exportStartProblem(new Date(String(i.input)), new Date())}` })
      .optional(),
    lagSeconds: z.number().int().min(0).max(7 * 24 * 3600).optional(),
    pageSize: z.number().int().min(1).max(10_000).optional(),
  });

export type ExportConfig = z.infer<typeof schema>;

export class ExportConfigError extends ExportError {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super('InvalidExportConfig', `${source} is not a valid export configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { kind: 'permanent' });
    this.name = 'ExportConfigError';
  }
}

/** Validates a configuration file's text, listing every wrong field at once. */
export function parseExportConfig(text: string, source = 'the configuration'): ExportConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ExportConfigError(source, [`is not JSON: ${(error as Error).message}`]);
  }
  const parsed = schema.safeParse(data);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((i) => {
        const field = i.path.join('.') || '(top level)';
        return i.code === 'unrecognized_keys' ? `${field === '(top level)' ? '' : field + ': '}unknown field ${i.keys.map((k) => `"${k}"`).join(', ')}` : `${field} ${i.message}`;
      });
  // Checked on the raw object so it is reported alongside every other problem.
  const raw = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  if (raw.storageAccount === undefined && raw.dfsEndpoint === undefined) problems.push('storageAccount is required (or give dfsEndpoint)');
  if (raw.storageAccount !== undefined && raw.dfsEndpoint !== undefined) problems.push('dfsEndpoint and storageAccount are both set: give only one');
  if (problems.length > 0 || !parsed.success) throw new ExportConfigError(source, problems);
  return parsed.data;
}

/** The app settings a configuration stands for (README settings table). */
export function exportConfigToEnv(c: ExportConfig): Record<string, string> {
  const env: Record<string, string | undefined> = {
    EXPORT_INTERVAL: c.interval,
    EXPORT_SCHEDULE: c.schedule,
    ADLS_ACCOUNT_NAME: c.storageAccount,
    ADLS_DFS_ENDPOINT: c.dfsEndpoint,
    ADLS_FILE_SYSTEM: c.fileSystem,
    ADLS_PATH: c.path,
    KEY_VAULT_URL: c.sasToken.keyVaultUrl,
    SAS_SECRET_NAME: c.sasToken.secretName,
    AUDIT_API_URL: c.auditApi.url,
    AUDIT_API_KEY_SECRET_NAME: c.auditApi.apiKeySecretName,
    AUDIT_API_KIND: c.auditApi.kind,
    AUDIT_API_AUTH: c.auditApi.auth,
    EXPORT_START: c.exportStart,
    EXPORT_LAG_SECONDS: c.lagSeconds?.toString(),
    AUDIT_PAGE_SIZE: c.pageSize?.toString(),
  };
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
