// `npm run stack` arguments: the help text and the parser, which checks every value and says how to fix it.
import { parseArgs } from 'node:util';
import { AUTH_MODES, KINDS, parseFaults, type AuditAuth, type AuditKind, type TimestampStyle } from '../auditApi';
import type { StackOptions } from '../stack';

export const HELP = `Usage: npm run stack -- [options]

Starts Azurite (blob), the Data Lake (dfs) gateway, a managed-identity endpoint, an HTTPS Key Vault and
a sample audit API on 127.0.0.1, creates the file system and stores a Create+Write SAS and the audit API
key in the vault, then prints one JSON line with every endpoint and stays up until Ctrl-C or SIGTERM.

Options:
  --location DIR       keep Azurite's data on disk in DIR (default: in memory)
  --blob-port N        Azurite blob port            (default: a free port)
  --dfs-port N         dfs gateway port             (default: a free port)
  --vault-port N       Key Vault port               (default: a free port)
  --identity-port N    managed-identity port        (default: a free port)
  --audit-port N       sample audit API port        (default: a free port)
  --events N           sample audit events          (default: 2000)
  --span-hours H       hours the events spread over, ending 10 minutes ago (default: 6)
  --seed N             seed of the synthetic events (default: 1)
  --file-system NAME   file system to create        (default: audit-output)

Sample audit API (see docs/local-stack.md):
  --kind KIND          ${KINDS.join(' | ')}: UAM events, or Immuta's V1 audit records (default: immuta-uam)
  --auth MODE          ${AUTH_MODES.join(' | ')} (default: bearer for immuta-uam, apikey for immuta-legacy)
                         bearer: Authorization: Bearer <key>; apikey: Authorization: <key>;
                         immuta-token: POST /bim/apikey/authenticate {"apikey":"<key>"}, then Bearer <token>
  --token-ttl-seconds N  lifetime of an immuta-token token (default: 3600)
  --timestamp-style S  utc | offset-micros: UAM timestamps as ...45.040Z or ...45.040000-04:00 (default: utc)
  --legacy-datetime-string  legacy records carry dateTime as a string of digits, not a number
  --legacy-datetime-exponent  legacy records carry dateTime with an exponent (1.7966778e12), as doubles are written
  --same-instant G     generated events come in groups of G sharing one timestamp (default: 1)
  --faults JSON        faults from the start, as for PUT /_admin/faults, e.g.
                         '{"pageCap":50,"unstableTies":true,"bounds":{"minDate":"exclusive","maxDate":"inclusive"}}'
                         switches: pageCap, unstableTies, bounds, duplicates, mutate, noCount, countCap,
                         countOffset, escapedIds, unreadable, restampIds, sortWithinPagesOnly, late, rateLimit,
                         serverErrors, delayMs, malformed, truncated, reset
  -h, --help           show this help`;

function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[]): T | undefined {
  if (raw === undefined) return undefined;
  if (!allowed.includes(raw as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

function faultsArg(raw: string | undefined): StackOptions['auditFaults'] {
  if (raw === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw new Error(`--faults must be JSON, e.g. '{"pageCap":50}', got "${raw}"`);
  }
  try {
    return parseFaults(json);
  } catch (error) {
    throw new Error(`--faults: ${(error as Error).message}`);
  }
}

export function parseStackArgs(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      location: { type: 'string' },
      'blob-port': { type: 'string' },
      'dfs-port': { type: 'string' },
      'vault-port': { type: 'string' },
      'identity-port': { type: 'string' },
      'audit-port': { type: 'string' },
      events: { type: 'string' },
      'span-hours': { type: 'string' },
      seed: { type: 'string' },
      'file-system': { type: 'string' },
      kind: { type: 'string' },
      auth: { type: 'string' },
      'token-ttl-seconds': { type: 'string' },
      'timestamp-style': { type: 'string' },
      'legacy-datetime-string': { type: 'boolean' },
      'legacy-datetime-exponent': { type: 'boolean' },
      'same-instant': { type: 'string' },
      faults: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const int = (name: keyof typeof values, min: number, max: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return n;
  };
  const spanHours = values['span-hours'] === undefined ? undefined : Number(values['span-hours']);
  if (spanHours !== undefined && !(spanHours > 0 && spanHours <= 24 * 365)) {
    throw new Error(`--span-hours must be a number of hours above 0, got "${values['span-hours']}"`);
  }
  const kind = oneOf<AuditKind>('kind', values.kind, KINDS);
  const options: StackOptions = {
    location: values.location,
    ports: {
      blob: int('blob-port', 0, 65535),
      dfs: int('dfs-port', 0, 65535),
      vault: int('vault-port', 0, 65535),
      identity: int('identity-port', 0, 65535),
      audit: int('audit-port', 0, 65535),
    },
    audit: {
      count: int('events', 0, 100_000_000),
      seed: int('seed', 0, 2 ** 31 - 1),
      spanSeconds: spanHours === undefined ? undefined : Math.round(spanHours * 3600),
      kind,
      timestampStyle: oneOf<TimestampStyle>('timestamp-style', values['timestamp-style'], ['utc', 'offset-micros']),
      legacyDateTimeAsString: values['legacy-datetime-string'],
      legacyDateTimeExponent: values['legacy-datetime-exponent'],
      sameInstant: int('same-instant', 1, 1_000_000),
    },
    auditAuth: oneOf<AuditAuth>('auth', values.auth, AUTH_MODES),
    auditTokenTtlSeconds: int('token-ttl-seconds', 1, 365 * 86400),
    auditFaults: faultsArg(values.faults),
  };
  return { help: values.help === true, options, fileSystem: values['file-system'] };
}
