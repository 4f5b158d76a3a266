import type { Settings } from '../config/settings';
import { SettingsError } from '../config/settings';
import { readSas } from '../sas/sasCheck';

/** Letters beyond Read + List: a verifier that can write or delete could also cover up what it checks. */
const WRITING: Record<string, string> = { a: 'Add', c: 'Create', w: 'Write', d: 'Delete', x: 'Delete version', y: 'Permanent delete', m: 'Move', o: 'Ownership', p: 'Permissions', i: 'Set immutability policy', t: 'Tags' };

const VERIFY_SAS_NEEDS = 'a SAS with Read + List on the file system (sp=rl), bound to its own stored access policy; never the exporter\'s Create + Write SAS, which cannot read';

/** The secret verify reads the lake with: set, and not the exporter's. */
export function verifySasSecretName(settings: Pick<Settings, 'verifySasSecretName' | 'sasSecretName'>): string {
  const name = settings.verifySasSecretName;
  if (!name) throw new SettingsError([`VERIFY_SAS_SECRET_NAME is required for verify: set it to the Key Vault secret that holds ${VERIFY_SAS_NEEDS}`]);
  if (name === settings.sasSecretName) {
    throw new SettingsError([`VERIFY_SAS_SECRET_NAME is "${name}", the exporter's own SAS (SAS_SECRET_NAME): give verify its own secret holding ${VERIFY_SAS_NEEDS}`]);
  }
  return name;
}

/** Checks the SAS before any storage call: errors stop verify (exit 2), warnings are printed. */
export function checkVerifySas(value: string, now: Date, where: string): { errors: string[]; warnings: string[] } {
  const facts = readSas(value);
  const errors: string[] = [];
  const warnings: string[] = [];
  if (!facts.hasSignature) errors.push(`${where} does not hold a SAS token (no "sig"): store ${VERIFY_SAS_NEEDS}`);
  if (facts.permissions !== undefined) {
    const missing = [['r', 'Read'], ['l', 'List']].filter(([l]) => !facts.permissions!.includes(l!)).map(([, n]) => n);
    if (missing.length > 0) errors.push(`the SAS in ${where} lacks ${missing.join(' and ')} permission (sp=${facts.permissions}): store ${VERIFY_SAS_NEEDS}`);
    const extra = [...new Set(facts.permissions)].filter((l) => l in WRITING).map((l) => WRITING[l]);
    if (extra.length > 0) warnings.push(`the SAS in ${where} also grants ${extra.join(', ')}: an auditor's SAS should grant Read + List only`);
  }
  const expires = facts.expiresOn;
  if (expires && !(expires.getTime() > now.getTime())) errors.push(`the SAS in ${where} has expired or has an unreadable expiry (se): store a new one`);
  if (facts.startsOn && facts.startsOn.getTime() > now.getTime()) errors.push(`the SAS in ${where} is not valid before ${facts.startsOn.toISOString()}`);
  return { errors, warnings };
}
