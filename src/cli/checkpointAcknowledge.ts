import { hostname, userInfo } from 'node:os';
import { acknowledgeUnderLease } from '../reset/acknowledgeHour';
import { parseInstant } from '../ndjson/eventTime';
import { ExportError } from '../errors';
import type { Composition } from '../run/composition';
import { hourOf } from '../time/window';
import { redact } from '../redact';

type Io = { out: (line: string) => void; err: (line: string) => void };
type Options = { abortSignal: AbortSignal; now?: Date };

const usage = (message: string) => new ExportError('InvalidUsage', message, { kind: 'permanent' });

/**
 * `checkpoint acknowledge --hour ISO [--by NAME]`: accepts a noticed hour's shortfall as it stands, under the lease,
 * so runs end `caught-up` again; the acknowledgement (who, when, how many) stays in the checkpoint and `status`.
 */
export async function checkpointAcknowledge(root: Composition, args: { hour?: string; by?: string }, io: Io, options: Options): Promise<number> {
  const hour = parseHour(args.hour);
  const by = args.by?.trim() || whoIsThis();
  const store = root.checkpoints();
  const result = await acknowledgeUnderLease(store, { hour, by, at: options.now ?? root.clock.now(), abortSignal: options.abortSignal });
  const a = result.acknowledged;
  const out = (line: string) => io.out(redact(line));
  out(`checkpoint of export configuration ${root.configId} (${store.blobPath}), ETag ${result.etag}`);
  out(`acknowledged ${a.hour}: ${a.missing} missing as counted at ${a.countedAt} (noticed ${a.noticedAt}), by ${JSON.stringify(a.by)} at ${a.acknowledgedAt}`);
  out(result.noticed.length > 0 ? `still noticed: ${result.noticed.map((n) => `${n.hour} (${n.missing} missing)`).join(', ')}` : 'no hour is noticed now: runs can end caught-up');
  return 0;
}

/** The start of a UTC hour, as `status` lists noticed hours. */
function parseHour(text: string | undefined): string {
  if (text === undefined || text.trim() === '') throw usage('checkpoint acknowledge needs --hour: the noticed hour to accept, as `status` lists it, e.g. --hour 2026-11-01T13:00:00Z');
  const ms = parseInstant(text.trim());
  if (Number.isNaN(ms)) throw usage(`--hour must be an ISO-8601 time with a zone, e.g. 2026-11-01T13:00:00Z (got ${JSON.stringify(text)})`);
  const hour = hourOf(new Date(ms));
  if (hour.getTime() !== ms) throw usage(`--hour must be the start of an hour, as \`status\` lists it: ${hour.toISOString()}?`);
  return hour.toISOString();
}

function whoIsThis(): string {
  try {
    return `${userInfo().username}@${hostname()}`;
  } catch {
    return `unknown@${hostname()}`;
  }
}
