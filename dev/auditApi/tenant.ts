// The synthetic tenant both event kinds describe: its users, data sources and how often each action happens.
// Small fixed tables built once (constant memory whatever the count), and the first draws every event makes,
// so a UAM event and a legacy record with the same index describe the same thing.
import type { Rng } from '../seededRandom';
import { FIRST_NAMES, IDENTITY_PROVIDERS, LAST_NAMES, SCHEMAS, TABLES, USER_COUNT } from './vocabulary';

/** Seeds each event's Rng; shared by both kinds so their first draws agree. */
export const SALT_EVENT = 0xe7e;

/** Relative frequencies of actions: queries dominate real audit streams. */
const ACTIONS: ReadonlyArray<readonly [string, number]> = [
  ['QUERY', 55],
  ['USER_LOGIN', 12],
  ['SUBSCRIPTION_REQUEST', 9],
  ['POLICY_UPDATE', 7],
  ['DATASOURCE_CREATE', 5],
  ['DATASOURCE_UPDATE', 7],
  ['PROJECT_UPDATE', 5],
];
const ACTION_TABLE: string[] = ACTIONS.flatMap(([action, weight]) => Array<string>(weight).fill(action));
const FAILURE_PERCENT = 4;

export interface Actor { id: string; name: string; identityProvider: string; profileId: number; json: string }
const ACTORS: Actor[] = Array.from({ length: USER_COUNT }, (_, k) => {
  const first = FIRST_NAMES[k % FIRST_NAMES.length];
  const last = LAST_NAMES[(k * 7 + Math.floor(k / FIRST_NAMES.length)) % LAST_NAMES.length];
  const a = {
    type: 'USER_ACCOUNT',
    id: `${first}.${last}`.toLowerCase().replace(/[^a-z.-]/g, '') + '@example.com',
    name: `${first} ${last}`,
    identityProvider: IDENTITY_PROVIDERS[k % IDENTITY_PROVIDERS.length],
    profileId: 1000 + k,
  };
  return { ...a, json: JSON.stringify(a) };
});

export interface DataSource {
  id: string;
  name: string;
  schema: (typeof SCHEMAS)[number];
  table: (typeof TABLES)[number];
  targetJson: string;
}
const DATA_SOURCES: DataSource[] = Array.from({ length: SCHEMAS.length * TABLES.length }, (_, n) => {
  const schema = SCHEMAS[n % SCHEMAS.length];
  const table = TABLES[Math.floor(n / SCHEMAS.length) % TABLES.length];
  const id = String(101 + n);
  const name = `${schema.title} ${table.title}`;
  return { id, name, schema, table, targetJson: JSON.stringify({ type: 'DATASOURCE', id, name }) };
});

/** What every event starts with: who did what to which data source, and whether it failed. */
export interface Subject {
  action: string;
  failed: boolean;
  userIndex: number;
  who: Actor;
  ds: DataSource;
}

/** The first four draws of an event, in this order; later draws are the kind's own. */
export function drawSubject(rng: Rng): Subject {
  const action = rng.pick(ACTION_TABLE);
  const failed = rng.int(100) < FAILURE_PERCENT;
  const userIndex = rng.int(USER_COUNT);
  const ds = DATA_SOURCES[rng.int(DATA_SOURCES.length)];
  return { action, failed, userIndex, who: ACTORS[userIndex], ds };
}
