import { isLoopbackHost } from '../config/names';
import type { Settings } from '../config/settings';
import { normalizeSasToken } from './sasToken';
import { ExportError } from '../errors';

/** What a SAS token says about itself (fields absent when a stored access policy supplies them). */
export interface SasFacts {
  permissions?: string;
  expiresOn?: Date;
  startsOn?: Date;
  protocol?: string;
  /** Stored access policy id (`si`): permissions and times may live there instead. */
  policyId?: string;
  hasSignature: boolean;
}

/** What a usable SAS is warned for: callers decide on `kind`, operators read `text`. */
interface SasWarning {
  kind: 'expiring' | 'over-granted' | 'policy-unchecked' | 'plain-http';
  text: string;
}

export interface SasVerdict {
  /** Problems that stop the run before any storage call. */
  errors: string[];
  warnings: SasWarning[];
  facts: SasFacts;
}

// What the exporter needs: create files and write (append + flush) them.
const NEEDED = { c: 'Create', w: 'Write' } as const;
const LETTER_NAMES: Record<string, string> = {
  r: 'Read', a: 'Add', c: 'Create', w: 'Write', d: 'Delete', x: 'Delete version', y: 'Permanent delete', l: 'List',
  t: 'Tags', f: 'Filter', m: 'Move', e: 'Execute', o: 'Ownership', p: 'Permissions', i: 'Set immutability policy',
};

export function readSas(value: string): SasFacts {
  const q = new URLSearchParams(normalizeSasToken(value));
  const date = (name: string) => {
    const v = q.get(name);
    if (!v) return undefined;
    const t = Date.parse(v);
    return Number.isNaN(t) ? new Date(NaN) : new Date(t);
  };
  return {
    permissions: q.get('sp') ?? undefined,
    expiresOn: date('se'),
    startsOn: date('st'),
    protocol: q.get('spr') ?? undefined,
    policyId: q.get('si') ?? undefined,
    hasSignature: (q.get('sig') ?? '').length > 0,
  };
}

/**
 * Checks a SAS before use, naming `where` (the secret and vault) in every message: Create + Write present,
 * nothing more than needed, not expired or about to, HTTPS only unless the endpoint is loopback.
 */
export function checkSas(
  value: string,
  options: { now: Date; warningDays: number; loopbackEndpoint: boolean; where: string },
): SasVerdict {
  const facts = readSas(value);
  const errors: string[] = [];
  const warnings: SasWarning[] = [];
  const { where } = options;
  if (!facts.hasSignature) errors.push(`${where} does not hold a SAS token (no "sig"): store the token, "?token" or the full SAS URL of the file system`);

  if (facts.permissions !== undefined) {
    const missing = Object.entries(NEEDED).filter(([letter]) => !facts.permissions!.includes(letter)).map(([, name]) => name);
    if (missing.length > 0) errors.push(`the SAS in ${where} lacks ${missing.join(' and ')} permission (sp=${facts.permissions}): make a SAS with Create + Write (sp=cw)`);
    const extra = [...new Set(facts.permissions)].filter((l) => !(l in NEEDED)).map((l) => LETTER_NAMES[l] ?? `"${l}"`);
    if (extra.length > 0) warnings.push({ kind: 'over-granted', text: `the SAS in ${where} grants more than the exporter needs: ${extra.join(', ')}; a SAS with only Create + Write (sp=cw) is enough` });
  }
  if (facts.policyId && (facts.permissions === undefined || facts.expiresOn === undefined)) {
    const set = [facts.permissions === undefined ? 'permissions' : '', facts.expiresOn === undefined ? 'expiry' : ''].filter(Boolean).join(' and ');
    warnings.push({
      kind: 'policy-unchecked',
      text: `the SAS in ${where} takes its ${set} from stored access policy "${facts.policyId}", so they cannot be checked from the token; keep the policy to Create + Write and watch its expiry`,
    });
  }

  const expires = facts.expiresOn;
  if (expires && Number.isNaN(expires.getTime())) errors.push(`the SAS in ${where} has an unreadable expiry (se)`);
  else if (expires && expires.getTime() <= options.now.getTime()) {
    errors.push(`the SAS in ${where} expired at ${expires.toISOString()}: create a new SAS and set it as a new version of the secret`);
  } else if (expires && expires.getTime() - options.now.getTime() < options.warningDays * 86_400_000) {
    const days = ((expires.getTime() - options.now.getTime()) / 86_400_000).toFixed(1);
    warnings.push({ kind: 'expiring', text: `the SAS in ${where} expires at ${expires.toISOString()} (in ${days} days): rotate it before then` });
  }
  if (facts.startsOn && facts.startsOn.getTime() > options.now.getTime()) {
    errors.push(`the SAS in ${where} is not valid before ${facts.startsOn.toISOString()}`);
  }
  if (facts.protocol && facts.protocol.split(',').includes('http') && !options.loopbackEndpoint) {
    warnings.push({ kind: 'plain-http', text: `the SAS in ${where} allows plain HTTP (spr=${facts.protocol}); make it HTTPS only` });
  }
  return { errors, warnings, facts };
}

/** What a run stops with, and test-connection reports, when the configured SAS cannot be used. */
export function sasInvalid(verdict: SasVerdict): ExportError {
  return new ExportError('SasInvalid', verdict.errors.join('; '), { kind: 'permanent' });
}

/** checkSas for the configured SAS secret: the one place that says how the run and test-connection check it. */
export function checkConfiguredSas(
  settings: Pick<Settings, 'sasSecretName' | 'keyVaultUrl' | 'sasExpiryWarningDays' | 'dfsEndpoint'>,
  value: string,
  now: Date,
): SasVerdict {
  return checkSas(value, {
    now,
    warningDays: settings.sasExpiryWarningDays,
    loopbackEndpoint: isLoopbackHost(new URL(settings.dfsEndpoint).hostname),
    where: configuredSasWhere(settings),
  });
}

/** How messages name the SAS secret: `secret "…" in Key Vault …`. */
export function configuredSasWhere(settings: Pick<Settings, 'sasSecretName' | 'keyVaultUrl'>): string {
  return `secret "${settings.sasSecretName}" in Key Vault ${settings.keyVaultUrl}`;
}
