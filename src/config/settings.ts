import { z } from 'zod';
import { ExportError } from '../errors';
import { SETTING_DEFAULTS } from './defaults';
import { exportStartProblem } from './exportStart';
import { ACCOUNT_NAME, FILE_SYSTEM_NAME, SECRET_NAME, directoryPathProblem } from './names';
import { connectionStringProblem } from './storageConnection';
import { endpointProblem, hasUserInfo, type EndpointRules } from './urls';
import { AUDIT_API_AUTHS, AUDIT_API_KINDS, DEFAULT_AUTH, type AuditApiKind, type AuditAuthMode } from './auditApiKind';
import { EXPORT_INTERVALS, INTERVAL_SCHEDULES, scheduleProblem, type ExportInterval } from './schedule';

/** The validated, frozen settings of one export configuration. */
export interface Settings {
  /** false: the timer skips every tick (the reference product's disabled export). */
  enabled: boolean;
  auditApiUrl: string;
  auditApiKeySecretName?: string;
  auditApiKind: AuditApiKind;
  auditApiAuth: AuditAuthMode;
  interval: ExportInterval;
  schedule: string;
  dfsEndpoint: string;
  fileSystem: string;
  path: string;
  keyVaultUrl: string;
  sasSecretName: string;
  /** The secret holding a Read + List SAS for `audit-export verify`; never the exporter's own. */
  verifySasSecretName?: string;
  exportStart?: Date;
  lagSeconds: number;
  pageSize: number;
  auditRequestTimeoutSeconds: number;
  auditMaxAttempts: number;
  timeBudgetSeconds: number;
  fileMaxBytes: number;
  batchMaxBytes: number;
  leaseSeconds: number;
  /** Closed hours re-checked for late events after each caught-up run; 0: none. */
  recheckHours: number;
  /** An event that cannot be placed (no valid time or id): kept in quarantine and the run goes on, or the run stops. */
  invalidEvents: InvalidEventsMode;
  sasExpiryWarningDays: number;
  /** Host storage for the exporter's state: a connection string or identity-based settings. */
  stateStorage: { connectionString: string } | { blobServiceUri: string };
}

/** EXPORT_INVALID_EVENTS's values. */
const INVALID_EVENTS_MODES = ['quarantine', 'stop'] as const;
type InvalidEventsMode = (typeof INVALID_EVENTS_MODES)[number];

export class SettingsError extends ExportError {
  constructor(readonly problems: readonly string[]) {
    super('InvalidSettings', `Invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { kind: 'permanent' });
    this.name = 'SettingsError';
  }
}

type Env = Record<string, string | undefined>;

// Values of these settings may be echoed in errors; all others may hold secrets and never are.
const ECHOED = new Set([
  'AUDIT_API_URL', 'AUDIT_API_KEY_SECRET_NAME', 'AUDIT_API_KIND', 'AUDIT_API_AUTH', 'EXPORT_INTERVAL', 'EXPORT_SCHEDULE', 'ADLS_ACCOUNT_NAME',
  'ADLS_DFS_ENDPOINT', 'ADLS_FILE_SYSTEM', 'ADLS_PATH', 'KEY_VAULT_URL', 'SAS_SECRET_NAME', 'VERIFY_SAS_SECRET_NAME', 'EXPORT_START',
  'EXPORT_ENABLED', 'EXPORT_LAG_SECONDS', 'AUDIT_PAGE_SIZE', 'AUDIT_REQUEST_TIMEOUT_SECONDS', 'AUDIT_MAX_ATTEMPTS', 'EXPORT_TIME_BUDGET_SECONDS', 'EXPORT_FILE_MAX_BYTES', 'EXPORT_BATCH_MAX_BYTES', 'EXPORT_LEASE_SECONDS', 'EXPORT_RECHECK_HOURS', 'EXPORT_INVALID_EVENTS', 'SAS_EXPIRY_WARNING_DAYS',
]);

const text = (expects: string) => z.string({ error: `is required: ${expects}` }).trim().min(1, `is empty: ${expects}`);
const optionalText = z.string().trim().optional().transform((v) => (v === '' ? undefined : v));
const int = (min: number, max: number, fallback: number, unit: string) =>
  optionalText.pipe(
    z.string().regex(/^\d+$/, `must be a whole number of ${unit} from ${min} to ${max}`).optional(),
  ).transform((v, ctx) => {
    const n = v === undefined ? fallback : Number(v);
    if (n < min || n > max) ctx.addIssue({ code: 'custom', message: `must be a whole number of ${unit} from ${min} to ${max}` });
    return n;
  });
const endpoint = (rules: EndpointRules) =>
  z.string().trim().refine((v) => !endpointProblem(v, rules), { error: (i) => `${endpointProblem(String(i.input), rules)}` });
const secretName = (what: string) => z.string().trim().regex(SECRET_NAME, `must be a Key Vault secret name (1-127 letters, digits, hyphens) holding ${what}`);

const schema = z.object({
  AUDIT_API_URL: text('the base URL of the audit API, e.g. https://your-immuta.example.com').pipe(endpoint({ what: 'audit API', loopbackHttp: true, baseOnly: true })),
  AUDIT_API_KEY_SECRET_NAME: optionalText.pipe(secretName('the audit API key').optional()),
  AUDIT_API_KIND: optionalText.pipe(z.enum(AUDIT_API_KINDS, { error: `must be one of ${AUDIT_API_KINDS.join(', ')}` }).optional()),
  AUDIT_API_AUTH: optionalText.pipe(z.enum(AUDIT_API_AUTHS, { error: `must be one of ${AUDIT_API_AUTHS.join(', ')}` }).optional()),
  EXPORT_INTERVAL: optionalText.pipe(z.enum(EXPORT_INTERVALS, { error: `must be one of ${EXPORT_INTERVALS.join(', ')}` }).optional()),
  EXPORT_SCHEDULE: optionalText.pipe(z.string().refine((v) => !scheduleProblem(v), { error: (i) => `${scheduleProblem(i.input as string)}` }).optional()),
  ADLS_ACCOUNT_NAME: optionalText.pipe(z.string().regex(ACCOUNT_NAME, 'must be a storage account name: 3-24 lowercase letters and digits').optional()),
  ADLS_DFS_ENDPOINT: optionalText.pipe(endpoint({ what: 'Data Lake (dfs) endpoint, e.g. https://account.dfs.core.windows.net', loopbackHttp: true, baseOnly: true }).optional()),
  ADLS_FILE_SYSTEM: text('the file system (container) to write to').pipe(
    z.string().regex(FILE_SYSTEM_NAME, 'must be a file system name: 3-63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit'),
  ),
  ADLS_PATH: text('the directory inside the file system, e.g. immuta-audit').pipe(
    z.string().refine((v) => !directoryPathProblem(v), { error: (i) => `${directoryPathProblem(i.input as string)}` }),
  ),
  KEY_VAULT_URL: text('the vault URL, e.g. https://your-vault.vault.azure.net').pipe(endpoint({ what: 'Key Vault, e.g. https://your-vault.vault.azure.net', loopbackHttp: false, baseOnly: true })),
  SAS_SECRET_NAME: text('the Key Vault secret that holds the SAS token').pipe(secretName('the SAS token')),
  VERIFY_SAS_SECRET_NAME: optionalText.pipe(secretName('a SAS with Read + List for verify').optional()),
  EXPORT_START: optionalText.pipe(z.iso.datetime({ offset: true, error: 'must be an ISO-8601 time with a zone, e.g. 2026-01-01T00:00:00Z' }).optional()),
  EXPORT_LAG_SECONDS: int(0, 7 * 24 * 3600, SETTING_DEFAULTS.EXPORT_LAG_SECONDS, 'seconds'),
  AUDIT_PAGE_SIZE: int(1, 10_000, SETTING_DEFAULTS.AUDIT_PAGE_SIZE, 'events'),
  AUDIT_REQUEST_TIMEOUT_SECONDS: int(1, 600, SETTING_DEFAULTS.AUDIT_REQUEST_TIMEOUT_SECONDS, 'seconds'),
  AUDIT_MAX_ATTEMPTS: int(1, 20, SETTING_DEFAULTS.AUDIT_MAX_ATTEMPTS, 'attempts'),
  EXPORT_ENABLED: optionalText.pipe(z.enum(['true', 'false'], { error: 'must be true or false' }).optional()),
  EXPORT_TIME_BUDGET_SECONDS: int(10, 24 * 3600, SETTING_DEFAULTS.EXPORT_TIME_BUDGET_SECONDS, 'seconds'),
  EXPORT_FILE_MAX_BYTES: int(64 * 1024, 4 * 1024 ** 4, SETTING_DEFAULTS.EXPORT_FILE_MAX_BYTES, 'bytes'),
  EXPORT_BATCH_MAX_BYTES: int(1024, 100 * 1024 * 1024, SETTING_DEFAULTS.EXPORT_BATCH_MAX_BYTES, 'bytes'),
  EXPORT_LEASE_SECONDS: int(15, 60, SETTING_DEFAULTS.EXPORT_LEASE_SECONDS, 'seconds'),
  EXPORT_RECHECK_HOURS: int(0, 2160, SETTING_DEFAULTS.EXPORT_RECHECK_HOURS, 'hours'),
  SAS_EXPIRY_WARNING_DAYS: int(0, 365, SETTING_DEFAULTS.SAS_EXPIRY_WARNING_DAYS, 'days'),
  EXPORT_INVALID_EVENTS: optionalText.pipe(
    z.enum(INVALID_EVENTS_MODES, { error: 'must be quarantine (an event with no valid time or id is kept in ADLS_PATH/_quarantine and the run goes on) or stop (the run stops at it)' }).optional(),
  ),
});

/** One thing wrong with the settings: its text names them; `settings` are the ones it concerns. */
export interface SettingProblem {
  settings: readonly string[];
  text: string;
}

/**
 * The one validator of the app settings (an export configuration file is checked by it too, see exportConfig.ts):
 * every problem at once, each naming its setting. Values are echoed only for settings that cannot hold a secret.
 */
export function checkSettings(env: Env, now: Date = new Date()): { settings: Readonly<Settings>; problems?: undefined } | { problems: SettingProblem[] } {
  const parsed = schema.safeParse(env);
  const problems: SettingProblem[] = [];
  const problem = (text: string, ...settings: string[]) => problems.push({ settings, text });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]);
      const value = env[name];
      const echo = ECHOED.has(name) && value !== undefined && value !== '' && !hasUserInfo(value) ? ` (got "${value}")` : '';
      problem(`${name} ${issue.message}${echo}`, name);
    }
  }
  // Cross-setting rules read the raw values, so they are reported even when another setting is wrong too.
  const raw = (name: string) => env[name]?.trim() || undefined;
  const account = raw('ADLS_ACCOUNT_NAME');
  const explicit = raw('ADLS_DFS_ENDPOINT');
  if (!account && !explicit) problem('ADLS_ACCOUNT_NAME or ADLS_DFS_ENDPOINT is required: the storage account name, or its dfs endpoint URL', 'ADLS_ACCOUNT_NAME', 'ADLS_DFS_ENDPOINT');
  if (account && explicit) problem('ADLS_ACCOUNT_NAME and ADLS_DFS_ENDPOINT are both set: set only one of them', 'ADLS_ACCOUNT_NAME', 'ADLS_DFS_ENDPOINT');
  if (raw('AUDIT_API_AUTH') === 'immuta-token' && !raw('AUDIT_API_KEY_SECRET_NAME')) {
    problem('AUDIT_API_AUTH is immuta-token, which exchanges the API key for a token: set AUDIT_API_KEY_SECRET_NAME to the Key Vault secret that holds the key', 'AUDIT_API_AUTH', 'AUDIT_API_KEY_SECRET_NAME');
  }
  const stateStorage = resolveStateStorage(raw);
  if (!stateStorage) {
    problem('AzureWebJobsStorage is required: the Functions host storage connection string (or AzureWebJobsStorage__blobServiceUri / __accountName for identity-based access)', 'AzureWebJobsStorage');
  } else {
    const wrong = 'connectionString' in stateStorage ? connectionStringProblem(stateStorage.connectionString) : endpointProblem(stateStorage.blobServiceUri, { what: 'host storage blob service', loopbackHttp: true, baseOnly: true });
    if (wrong) problem(`${'connectionString' in stateStorage ? 'AzureWebJobsStorage' : 'AzureWebJobsStorage__blobServiceUri'} ${wrong}`, 'AzureWebJobsStorage');
  }
  const start = raw('EXPORT_START');
  const startProblem = start && !Number.isNaN(Date.parse(start)) ? exportStartProblem(new Date(start), now) : undefined;
  if (startProblem) problem(`EXPORT_START ${startProblem}`, 'EXPORT_START');
  if (problems.length > 0 || !parsed.success || !stateStorage) return { problems };
  return { settings: settingsOf(parsed.data, stateStorage) };
}

/** Reads and validates the app settings once; every problem is reported at once, naming the setting. */
export function loadSettings(env: Env = process.env, now: Date = new Date()): Readonly<Settings> {
  const checked = checkSettings(env, now);
  if (checked.problems) throw new SettingsError(checked.problems.map((p) => p.text));
  return checked.settings;
}

function settingsOf(v: z.infer<typeof schema>, stateStorage: Settings['stateStorage']): Readonly<Settings> {
  const interval = v.EXPORT_INTERVAL ?? SETTING_DEFAULTS.EXPORT_INTERVAL;
  const kind = v.AUDIT_API_KIND ?? SETTING_DEFAULTS.AUDIT_API_KIND;
  return Object.freeze({
    enabled: v.EXPORT_ENABLED !== 'false',
    auditApiUrl: v.AUDIT_API_URL.replace(/\/+$/, ''),
    auditApiKeySecretName: v.AUDIT_API_KEY_SECRET_NAME,
    auditApiKind: kind,
    auditApiAuth: v.AUDIT_API_AUTH ?? DEFAULT_AUTH[kind],
    interval,
    schedule: v.EXPORT_SCHEDULE ?? INTERVAL_SCHEDULES[interval],
    dfsEndpoint: (v.ADLS_DFS_ENDPOINT ?? `https://${v.ADLS_ACCOUNT_NAME}.dfs.core.windows.net`).replace(/\/+$/, ''),
    fileSystem: v.ADLS_FILE_SYSTEM,
    path: v.ADLS_PATH.replace(/\/+$/, ''),
    keyVaultUrl: v.KEY_VAULT_URL.replace(/\/+$/, ''),
    sasSecretName: v.SAS_SECRET_NAME,
    verifySasSecretName: v.VERIFY_SAS_SECRET_NAME,
    exportStart: v.EXPORT_START ? new Date(v.EXPORT_START) : undefined,
    lagSeconds: v.EXPORT_LAG_SECONDS,
    pageSize: v.AUDIT_PAGE_SIZE,
    auditRequestTimeoutSeconds: v.AUDIT_REQUEST_TIMEOUT_SECONDS,
    auditMaxAttempts: v.AUDIT_MAX_ATTEMPTS,
    timeBudgetSeconds: v.EXPORT_TIME_BUDGET_SECONDS,
    fileMaxBytes: v.EXPORT_FILE_MAX_BYTES,
    batchMaxBytes: v.EXPORT_BATCH_MAX_BYTES,
    leaseSeconds: v.EXPORT_LEASE_SECONDS,
    recheckHours: v.EXPORT_RECHECK_HOURS,
    invalidEvents: v.EXPORT_INVALID_EVENTS ?? SETTING_DEFAULTS.EXPORT_INVALID_EVENTS,
    sasExpiryWarningDays: v.SAS_EXPIRY_WARNING_DAYS,
    stateStorage,
  });
}

function resolveStateStorage(raw: (name: string) => string | undefined): Settings['stateStorage'] | undefined {
  const connectionString = raw('AzureWebJobsStorage');
  if (connectionString) return { connectionString };
  const blobServiceUri = raw('AzureWebJobsStorage__blobServiceUri');
  if (blobServiceUri) return { blobServiceUri };
  const accountName = raw('AzureWebJobsStorage__accountName');
  if (accountName) return { blobServiceUri: `https://${accountName}.blob.core.windows.net` };
  return undefined;
}
