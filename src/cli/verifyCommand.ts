import { z } from 'zod';
import { loadSettings } from '../config/settings';
import { ExportError } from '../errors';
import { Composition } from '../run/composition';
import { untilInterrupted } from './untilInterrupted';
import { verifyExport } from '../verify/verify';

type Io = { out: (line: string) => void; err: (line: string) => void };

const usage = (message: string) => new ExportError('InvalidUsage', message, { kind: 'permanent' });

const isoTime = z.iso.datetime({ offset: true });

/** `audit-export verify`: 0 when every hour and the chain match, 1 when something differs (2 is thrown as a usage or settings error). */
export async function verifyCommand(values: { from?: string; to?: string; againstApi?: boolean }, env: Record<string, string | undefined>, io: Io): Promise<number> {
  const from = time('--from', values.from);
  const to = time('--to', values.to);
  if (from && to && from.getTime() >= to.getTime()) throw usage(`--from (${values.from}) must be before --to (${values.to})`);
  const root = new Composition(loadSettings(env));
  return untilInterrupted(async (abortSignal) => {
    const totals = await verifyExport(root, { from, to, againstApi: values.againstApi, abortSignal, out: io.out, warn: (w) => io.err(`warning: ${w}`) });
    return totals.problems === 0 ? 0 : 1;
  });
}

function time(option: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (!isoTime.safeParse(value).success) throw usage(`${option} must be an ISO-8601 time with a zone, e.g. 2026-12-01T00:00:00Z (got "${value}")`);
  return new Date(value);
}
