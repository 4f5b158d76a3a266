// index → one record of Immuta's V1 audit search (GET /audit, "legacy"), as JSON text.
// Same index, same first draws as the UAM generator (tenant.ts), so both kinds describe the same event.
// Fields as documented: id, dateTime (epoch ms), recordType, userId, email, profileId, dataSourceName,
// projectName, blobId, purposeIds, success, failureReason, warning. No eventTimestamp, no receivedTimestamp.
import { Rng } from '../seededRandom';
import { generatedId } from './eventIds';
import { hash32, hex8 } from './random';
import { SALT_EVENT, drawSubject } from './tenant';
import { FAILURE_REASONS, PROJECTS, PURPOSES } from './vocabulary';

const str = JSON.stringify as (s: string) => string;

/** UAM action → the legacy record type that logs the same thing. */
const RECORD_TYPES: Record<string, string> = {
  QUERY: 'nativeQuery',
  USER_LOGIN: 'authenticate',
  SUBSCRIPTION_REQUEST: 'dataSourceSubscription',
  POLICY_UPDATE: 'globalPolicyUpdate',
  DATASOURCE_CREATE: 'dataSourceCreate',
  DATASOURCE_UPDATE: 'dataSourceUpdate',
  PROJECT_UPDATE: 'projectUpdate',
};
const WITH_DATA_SOURCE = new Set(['QUERY', 'SUBSCRIPTION_REQUEST', 'DATASOURCE_CREATE', 'DATASOURCE_UPDATE']);
const WARNING = str('Policies on this data source changed while the request ran.');

export interface LegacyRecordContext {
  key: number;
  /** Write dateTime as "1714521600000" instead of 1714521600000. */
  dateTimeAsString: boolean;
  /** Write dateTime as 1.7145216e12 (in a string too, with dateTimeAsString). */
  dateTimeExponent?: boolean;
}

export function legacyRecordJson(ctx: LegacyRecordContext, index: number, eventMs: number, id = generatedId(ctx.key, index)): string {
  const rng = new Rng(hash32(ctx.key, index, SALT_EVENT));
  const { action, failed, who, ds } = drawSubject(rng);
  const project = action === 'PROJECT_UPDATE' || (action === 'SUBSCRIPTION_REQUEST' && rng.int(3) === 0) ? rng.int(PROJECTS.length) : -1;
  const purposes = action === 'PROJECT_UPDATE' || (action === 'QUERY' && rng.int(5) === 0) ? `${1 + rng.int(PURPOSES.length)}` : '';
  const blobId = action === 'QUERY' ? `"${hex8(rng.next())}${hex8(rng.next())}"` : 'null';
  const warning = !failed && rng.int(25) === 0 ? WARNING : 'null';
  const ms = ctx.dateTimeExponent ? eventMs.toExponential().replace('+', '') : String(eventMs);
  return (
    `{"id":"${id}","dateTime":${ctx.dateTimeAsString ? `"${ms}"` : ms},"recordType":"${RECORD_TYPES[action]}",` +
    `"userId":${str(who.id)},"email":${str(who.id)},"profileId":${who.profileId},` +
    `"dataSourceName":${WITH_DATA_SOURCE.has(action) ? str(ds.name) : 'null'},"projectName":${project < 0 ? 'null' : str(PROJECTS[project])},` +
    `"blobId":${blobId},"purposeIds":[${purposes}],"success":${!failed},` +
    `"failureReason":${failed ? str(rng.pick(FAILURE_REASONS)) : 'null'},"warning":${warning}}`
  );
}
