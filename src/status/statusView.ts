import type { Settings } from '../config/settings';
import type { CheckpointStore } from '../ports/checkpointStore';
import type { Clock } from '../ports/clock';
import type { StatusStore } from './statusStore';
import { parseNcrontab } from '../config/ncrontab';
import type { Acknowledged, Chain } from '../checkpoint/checkpoint';
import { LAKE_RESET_TODO, lakeHoldings, type LakeHoldings } from '../checkpoint/lostHours';
import type { LastRun, RecheckTotals } from './statusRecord';

/** The export's status as operators read it (the reference product's export configuration and job views). */
export interface StatusView {
  enabled: boolean;
  interval: string;
  schedule: string;
  /** From the last run or connection test; null before either. */
  connectionStatus: 'SUCCESS' | 'FAILED' | null;
  connectionCheckedAt: string | null;
  lastRun: LastRun | null;
  /** Every event before this time is in the lake, except in the hours of `noticed`. */
  watermark: string | null;
  /**
   * Hours for which the audit API counts more events than the lake holds (they became visible behind the paging,
   * or a re-check found them and could not append them), with how many as of the latest count (`countedAt`): every
   * run ends `incomplete` while one is listed.
   */
  noticed: Array<{ hour: string; missing: number; noticedAt: string; countedAt: string }>;
  /** Short hours an operator accepted (`checkpoint acknowledge`): how many were missing, who and when. */
  acknowledged: Acknowledged[];
  /** Re-checks of closed hours over all recorded runs (the last run's are in lastRun.recheck). */
  recheckTotals: RecheckTotals | null;
  /** The manifests' hash chain: its head (sha256 of the last manifest), that manifest's path and time, how many. */
  manifests: { head: string; lastPath: string; lastWrittenAt: string; count: number } | null;
  lagSeconds: number | null;
  nextRunAt: string | null;
  /**
   * The lake path was found emptied or replaced: when, what the checkpoint says it held (the hours that may be gone,
   * with their events), and what to do. Every run stops until then.
   */
  lakeReset: (LakeHoldings & { detectedAt: string; todo: string }) | null;
  /** Warnings of the last run or connection test, such as a SAS that expires soon. */
  warnings: string[];
  sasWarnings: string[];
}

/** What the status is read from: the composition gives it, through the ports only. */
export interface StatusSources {
  settings: Settings;
  clock: Clock;
  status: StatusStore;
  checkpoints(): CheckpointStore;
}

/** Reads state only (checkpoint and status in the host storage): it never needs the vault or the lake. */
export async function readStatus(root: StatusSources, options: { abortSignal: AbortSignal; now?: Date }): Promise<StatusView> {
  const { settings } = root;
  const now = options.now ?? root.clock.now();
  const [record, stored] = await Promise.all([root.status.load(options), root.checkpoints().load(options)]);
  const watermark = stored?.checkpoint.watermark ?? null;
  const warnings = record?.warnings ?? [];
  return {
    enabled: settings.enabled,
    interval: settings.interval,
    schedule: settings.schedule,
    connectionStatus: record?.connection?.status ?? null,
    connectionCheckedAt: record?.connection?.checkedAt ?? null,
    lastRun: record?.lastRun ?? null,
    watermark,
    noticed: (stored?.checkpoint.noticed ?? []).map((n) => ({ ...n, countedAt: n.countedAt ?? n.noticedAt })),
    acknowledged: stored?.checkpoint.acknowledged ?? [],
    manifests: chainOf(stored?.checkpoint.chain),
    lakeReset: stored?.checkpoint.lakeReset ? { detectedAt: stored.checkpoint.lakeReset.detectedAt, ...lakeHoldings(stored.checkpoint), todo: LAKE_RESET_TODO } : null,
    recheckTotals: record?.recheckTotals ?? null,
    lagSeconds: watermark ? Math.max(0, Math.floor((now.getTime() - Date.parse(watermark)) / 1000)) : null,
    nextRunAt: settings.enabled ? parseNcrontab(settings.schedule).next(now).toISOString() : null,
    warnings,
    sasWarnings: record?.sasWarnings ?? [],
  };
}

function chainOf(chain: Chain | undefined): StatusView['manifests'] {
  return chain ? { head: chain.head, lastPath: chain.path, lastWrittenAt: chain.writtenAt, count: chain.manifests } : null;
}
