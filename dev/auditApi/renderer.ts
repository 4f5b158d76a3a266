// Which JSON text an event index becomes: a UAM event or a legacy record, per the `kind` option.
// Validates the kind-specific options once, so a mismatch fails at start instead of being ignored.
import { generateEventJson, generatorContext } from './generator';
import { legacyRecordJson } from './legacyRecord';
import type { AuditEventsOptions, AuditKind } from './types';

export interface EventRenderer {
  kind: AuditKind;
  /** JSON text of event `index`; with `id`, an event that reuses the index's draws under another id. */
  json(index: number, eventMs: number, receivedMs: number, id?: string): string;
}

export const KINDS: readonly AuditKind[] = ['immuta-uam', 'immuta-legacy'];
const STYLES = ['utc', 'offset-micros'];

export function createRenderer(key: number, options: Pick<AuditEventsOptions, 'kind' | 'timestampStyle' | 'legacyDateTimeAsString' | 'legacyDateTimeExponent'> = {}): EventRenderer {
  const kind = options.kind ?? 'immuta-uam';
  if (!KINDS.includes(kind)) throw new Error(`events.kind must be one of ${KINDS.join(', ')}; got ${JSON.stringify(kind)}`);
  const { timestampStyle, legacyDateTimeAsString, legacyDateTimeExponent } = options;
  if (kind === 'immuta-uam') {
    if (legacyDateTimeAsString !== undefined) throw new Error('events.legacyDateTimeAsString applies to kind immuta-legacy only');
    if (legacyDateTimeExponent !== undefined) throw new Error('events.legacyDateTimeExponent applies to kind immuta-legacy only');
    if (timestampStyle !== undefined && !STYLES.includes(timestampStyle)) throw new Error(`events.timestampStyle must be one of ${STYLES.join(', ')}`);
    const ctx = generatorContext(key, timestampStyle);
    return { kind, json: (i, eventMs, receivedMs, id) => generateEventJson(ctx, i, eventMs, receivedMs, id) };
  }
  if (timestampStyle !== undefined) throw new Error('events.timestampStyle applies to kind immuta-uam only (legacy records carry epoch ms)');
  if (legacyDateTimeAsString !== undefined && typeof legacyDateTimeAsString !== 'boolean') throw new Error('events.legacyDateTimeAsString must be a boolean');
  if (legacyDateTimeExponent !== undefined && typeof legacyDateTimeExponent !== 'boolean') throw new Error('events.legacyDateTimeExponent must be a boolean');
  const ctx = { key, dateTimeAsString: legacyDateTimeAsString === true, dateTimeExponent: legacyDateTimeExponent === true };
  return { kind, json: (i, eventMs, _receivedMs, id) => legacyRecordJson(ctx, i, eventMs, id) };
}
