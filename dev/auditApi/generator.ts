// index → one synthetic event in Immuta's Universal Audit Model (UAM) shape, as JSON text.
// Pure and O(1): everything comes from (seed, index) and the two timestamps the timeline supplies,
// so a million-event stream costs no memory and any page can be built from its first index.
// Built with string templates (about 3× faster than JSON.stringify of an object); every variable
// string goes through str() and everything else is a number or a fixed token, so the output is
// canonical JSON — the unit tests check JSON.stringify(JSON.parse(text)) === text.
import { Rng } from '../seededRandom';
import { generatedId } from './eventIds';
import { isoString, offsetIsoString } from './isoTime';
import { hash32, hex8 } from './random';
import { SALT_EVENT, drawSubject, type Actor, type DataSource } from './tenant';
import type { TimestampStyle } from './types';
import {
  FAILURE_REASONS, IP_PREFIXES, POLICIES, PROJECTS, PURPOSES, SUBSCRIPTION_REASONS, TABLES, USER_AGENTS,
} from './vocabulary';
import { zoneOffsetMinutes } from './zones';

export { generatedId } from './eventIds';

// Salts keep the different per-index hashes independent of each other.
const SALT_TENANT = 0x7e4;
const SALT_SESSION = 0x5e55;

const str = JSON.stringify as (s: string) => string;

export interface GeneratedEventContext {
  /** seedKey(seed) */
  key: number;
  tenantId: string;
  /** How eventTimestamp and receivedTimestamp are written; default 'utc'. */
  timestampStyle: TimestampStyle;
}

export function generatorContext(key: number, timestampStyle: TimestampStyle = 'utc'): GeneratedEventContext {
  return { key, tenantId: `demo-${hex8(hash32(key, 0, SALT_TENANT)).slice(0, 4)}`, timestampStyle };
}

interface Body { targetType: string; targets: string; related: string; payload: string }

// Column lists per table and length, built once so a query costs no array work.
const COLUMN_LISTS = new Map(TABLES.map((t) => [t, ['*', '*', ...[2, 3].map((n) => t.columns.slice(0, n).join(', '))]]));

function query(rng: Rng, ds: DataSource, failed: boolean): Body {
  const limit = [100, 1000, 5000, 10000][rng.int(4)];
  const where = rng.int(3) === 0 ? ` WHERE ${rng.pick(ds.table.columns)} IS NOT NULL` : '';
  const sql = `SELECT ${rng.pick(COLUMN_LISTS.get(ds.table)!)} FROM ${ds.schema.name}.${ds.table.name}${where} LIMIT ${limit}`;
  const purpose = rng.int(5) === 0 ? rng.int(PURPOSES.length) : -1;
  return {
    targetType: 'DATASOURCE',
    targets: ds.targetJson,
    related: purpose < 0 ? '' : `{"type":"PURPOSE","id":"${purpose + 1}","name":${str(PURPOSES[purpose])}}`,
    payload:
      `"type":"QueryAuditPayload","version":1,"query":${str(sql)},"dataSourceId":"${ds.id}",` +
      `"durationMs":${20 + rng.int(9000)},"rowsReturned":${failed ? 0 : rng.int(limit + 1)}`,
  };
}

function login(rng: Rng, who: Actor): Body {
  return {
    targetType: 'USER',
    targets: `{"type":"USER","id":${str(who.id)},"name":${str(who.name)}}`,
    related: '',
    payload:
      `"type":"UserLoginAuditPayload","version":1,"authenticationMethod":"${who.identityProvider === 'bim' ? 'PASSWORD' : 'SAML'}",` +
      `"mfaUsed":${rng.int(4) !== 0},"userAgent":${str(rng.pick(USER_AGENTS))}`,
  };
}

function subscription(rng: Rng, ds: DataSource): Body {
  const project = rng.int(PROJECTS.length);
  return {
    targetType: 'DATASOURCE',
    targets: ds.targetJson,
    related: rng.int(3) === 0 ? `{"type":"PROJECT","id":"${project + 1}","name":${str(PROJECTS[project])}}` : '',
    payload:
      `"type":"SubscriptionRequestAuditPayload","version":1,"dataSourceId":"${ds.id}","reason":${str(rng.pick(SUBSCRIPTION_REASONS))},` +
      `"requestState":"${rng.pick(['PENDING', 'APPROVED', 'DENIED'])}"`,
  };
}

function policy(rng: Rng, ds: DataSource): Body {
  const p = rng.int(POLICIES.length);
  const from = 1 + rng.int(20);
  return {
    targetType: 'POLICY',
    targets: `{"type":"POLICY","id":"${p + 1}","name":${str(POLICIES[p].name)}}`,
    related: rng.int(3) === 0 ? ds.targetJson : '',
    payload:
      `"type":"PolicyUpdateAuditPayload","version":1,"policyId":"${p + 1}","policyType":"${POLICIES[p].type}",` +
      `"previousVersion":${from},"newVersion":${from + 1},"changedFields":${rng.pick(['["rules"]', '["exceptions"]', '["rules","circumstances"]'])}`,
  };
}

function dataSourceChange(rng: Rng, ds: DataSource, created: boolean): Body {
  const s = ds.schema;
  return {
    targetType: 'DATASOURCE',
    targets: ds.targetJson,
    related: '',
    payload:
      `"type":"${created ? 'DatasourceCreateAuditPayload' : 'DatasourceUpdateAuditPayload'}","version":1,"dataSourceId":"${ds.id}",` +
      `"technology":${str(s.technology)},"connection":{"database":${str(s.database)},"schema":${str(s.name)},"table":${str(ds.table.name)}}` +
      (created ? `,"columns":${ds.table.columns.length}` : `,"changedFields":${rng.pick(['["description"]', '["tags"]', '["owners","tags"]'])}`),
  };
}

function project(rng: Rng, ds: DataSource): Body {
  const p = rng.int(PROJECTS.length);
  return {
    targetType: 'PROJECT',
    targets: `{"type":"PROJECT","id":"${p + 1}","name":${str(PROJECTS[p])}}`,
    related: rng.int(3) === 0 ? ds.targetJson : '',
    payload: `"type":"ProjectUpdateAuditPayload","version":1,"projectId":"${p + 1}","purpose":${str(rng.pick(PURPOSES))}`,
  };
}

/**
 * JSON text of generated event `index`, which happened at eventMs and was received at receivedMs.
 * `id` replaces the generated one (the mutate fault's inserted events reuse an index's draws).
 */
export function generateEventJson(
  ctx: GeneratedEventContext, index: number, eventMs: number, receivedMs: number, id = generatedId(ctx.key, index),
): string {
  const rng = new Rng(hash32(ctx.key, index, SALT_EVENT));
  const { action, failed, userIndex, who, ds } = drawSubject(rng);
  // A session lasts about an hour per user, so session ids repeat the way real ones do.
  // Request and session ids are 16 hex digits (not UUIDs) to keep events near the ~700-byte target.
  const hour = Math.floor(eventMs / 3_600_000);
  const sessionId = hex8(hash32(ctx.key, userIndex, SALT_SESSION ^ hour)) + hex8(hash32(ctx.key, hour, userIndex));
  const requestId = hex8(rng.next()) + hex8(rng.next());
  const actorIp = rng.pick(IP_PREFIXES) + String(1 + rng.int(254));

  let body: Body;
  switch (action) {
    case 'QUERY': body = query(rng, ds, failed); break;
    case 'USER_LOGIN': body = login(rng, who); break;
    case 'SUBSCRIPTION_REQUEST': body = subscription(rng, ds); break;
    case 'POLICY_UPDATE': body = policy(rng, ds); break;
    case 'DATASOURCE_CREATE': body = dataSourceChange(rng, ds, true); break;
    case 'DATASOURCE_UPDATE': body = dataSourceChange(rng, ds, false); break;
    default: body = project(rng, ds);
  }
  const failure = failed ? `,"failureReason":${str(rng.pick(FAILURE_REASONS))}` : '';

  return (
    `{"id":"${id}","eventTimestamp":"${stamp(ctx, index, eventMs)}","receivedTimestamp":"${stamp(ctx, index, receivedMs)}",` +
    `"tenantId":"${ctx.tenantId}","action":"${action}","actionStatus":"${failed ? 'FAILURE' : 'SUCCESS'}","actor":${who.json},` +
    `"targetType":"${body.targetType}","targets":[${body.targets}],"requestId":"${requestId}","sessionId":"${sessionId}",` +
    `"actorIp":"${actorIp}","relatedResources":[${body.related}],"auditPayload":{${body.payload}${failure}}}`
  );
}

/** One event writes both its timestamps in the same zone. */
function stamp(ctx: GeneratedEventContext, index: number, ms: number): string {
  return ctx.timestampStyle === 'utc' ? isoString(ms) : offsetIsoString(ms, zoneOffsetMinutes(ctx.key, index));
}
