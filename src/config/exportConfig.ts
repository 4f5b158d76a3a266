import { z } from 'zod';
import { ensureError, ExportError } from '../errors';
import { checkSettings } from './settings';

/**
 * An export configuration file in the shape of the reference product's ADLS export configuration, with the SAS as
 * a Key Vault reference instead of a literal token. Each field stands for one app setting (README settings table):
 * this file checks the file's shape only, and the settings' own validator checks the values, so a file and
 * environment variables can never mean different things.
 */
const FIELD_SETTINGS = {
  interval: 'EXPORT_INTERVAL',
  schedule: 'EXPORT_SCHEDULE',
  storageAccount: 'ADLS_ACCOUNT_NAME',
  dfsEndpoint: 'ADLS_DFS_ENDPOINT',
  fileSystem: 'ADLS_FILE_SYSTEM',
  path: 'ADLS_PATH',
  'sasToken.keyVaultUrl': 'KEY_VAULT_URL',
  'sasToken.secretName': 'SAS_SECRET_NAME',
  'auditApi.url': 'AUDIT_API_URL',
  'auditApi.apiKeySecretName': 'AUDIT_API_KEY_SECRET_NAME',
  'auditApi.kind': 'AUDIT_API_KIND',
  'auditApi.auth': 'AUDIT_API_AUTH',
  exportStart: 'EXPORT_START',
  lagSeconds: 'EXPORT_LAG_SECONDS',
  pageSize: 'AUDIT_PAGE_SIZE',
  invalidEvents: 'EXPORT_INVALID_EVENTS',
} as const;
type Field = keyof typeof FIELD_SETTINGS;
const FIELD_OF = new Map<string, string>(Object.entries(FIELD_SETTINGS).map(([field, setting]) => [setting, field]));

const text = z.string({ error: 'must be a string' }).optional();
const number = z.number({ error: 'must be a number' }).optional();

const schema = z.strictObject({
  interval: text,
  schedule: text,
  storageAccount: text,
  dfsEndpoint: text,
  fileSystem: text,
  path: text,
  sasToken: z.strictObject(
    { keyVaultUrl: text, secretName: text },
    { error: 'is required: {"keyVaultUrl": "https://…vault.azure.net", "secretName": "…"} (a Key Vault reference, never a literal token)' },
  ),
  auditApi: z.strictObject(
    { url: text, apiKeySecretName: text, kind: text, auth: text },
    { error: 'is required: {"url": "https://…", "apiKeySecretName": "…", "kind": "immuta-uam", "auth": "bearer"}' },
  ),
  exportStart: text,
  lagSeconds: number,
  pageSize: number,
  invalidEvents: text,
});

export type ExportConfig = z.infer<typeof schema>;

export class ExportConfigError extends ExportError {
  constructor(readonly source: string, readonly problems: readonly string[]) {
    super('InvalidExportConfig', `${source} is not a valid export configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { kind: 'permanent' });
    this.name = 'ExportConfigError';
  }
}

/** Validates a configuration file's text, listing every wrong field at once, by its path in the file. */
export function parseExportConfig(text: string, source = 'the configuration', now: Date = new Date()): ExportConfig {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ExportConfigError(source, [`is not JSON: ${ensureError(error).message}`]);
  }
  const parsed = schema.safeParse(data);
  const problems: string[] = [];
  const wrongShape = new Set<string>();
  for (const issue of parsed.success ? [] : parsed.error.issues) {
    const field = issue.path.join('.');
    wrongShape.add(field);
    if (issue.code !== 'unrecognized_keys') problems.push(`${field} ${issue.message}`);
    else problems.push(`${field ? `${field}: ` : ''}unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`);
  }
  // The values, by the settings' validator: only what the file stands for, and nothing below a field of the wrong shape.
  const checked = checkSettings(settingsOf(data), now);
  for (const problem of checked.problems ?? []) {
    const fields = problem.settings.map((s) => FIELD_OF.get(s)).filter((f): f is string => f !== undefined);
    if (fields.length === 0 || fields.some((f) => [...wrongShape].some((w) => w && (f === w || f.startsWith(`${w}.`))))) continue;
    problems.push(problem.text.replace(/\b[A-Z][A-Z_]+[A-Z]\b/g, (name) => FIELD_OF.get(name) ?? name));
  }
  if (problems.length > 0 || !parsed.success) throw new ExportConfigError(source, problems);
  return parsed.data;
}

/** The app settings a configuration stands for (README settings table). */
export function exportConfigToEnv(c: ExportConfig): Record<string, string> {
  return settingsOf(c);
}

function settingsOf(data: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [field, setting] of Object.entries(FIELD_SETTINGS) as Array<[Field, string]>) {
    const value = field.split('.').reduce<unknown>((at, key) => (typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[key] : undefined), data);
    if (typeof value === 'string' || typeof value === 'number') env[setting] = String(value);
  }
  return env;
}
