import { z } from 'zod';
import { loadSettings } from '../config/settings';
import { verifyExport } from '../verify/verify';

type Io = { out: (line: string) => void; err: (line: string) => void };

class UsageError extends Error {
  readonly code = 'Usage';
}

const isoTime = z.iso.datetime({ offset: true });

/** `audit-export verify`: 0 when every hour and the chain match, 1 when something differs (2 is thrown as a usage or settings error). */
export async function verifyCommand(values: { from?: string; to?: string; againstApi?: boolean }, env: Record<string, string | undefined>, io: Io): Promise<number> {
  const from = time('--from', values.from);
  const to = time('--to', values.to);
  if (from && to && from.getTime() >= to.getTime()) throw new UsageError(`--from (${values.from}) must be before --to (${values.to})`);
  const settings = loadSettings(env);
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const totals = await verifyExport(settings, { from, to, againstApi: values.againstApi, abortSignal: controller.signal, out: io.out, warn: (w) => io.err(`warning: ${w}`) });
    return totals.problems === 0 ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

function time(option: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  if (!isoTime.safeParse(value).success) throw new UsageError(`${option} must be an ISO-8601 time with a zone, e.g. 2026-12-01T00:00:00Z (got "${value}")`);
  return new Date(value);
}
