import type { ChainReport } from './chain';
import type { HourResult } from './checkHour';
import { hourLabel } from './lakePaths';

// One line per hour, then the chain, files outside any hour, and the summary. Problems of a line are joined by
// "; " and each names its file, so a line can be grepped and acted on alone.

export function hourLine(r: HourResult): string {
  return r.problems.length === 0 ? `OK  ${hourLabel(r.hour)}` : `FAIL ${hourLabel(r.hour)} ${r.problems.join('; ')}`;
}

export function openHourLine(hour: number, watermark: string): string {
  return `SKIP ${hourLabel(hour)} not finished by the export yet (watermark ${watermark}), so it has no manifest to check`;
}

/** An hour the checkpoint records that the lake lost, whole or in part, with the events it held. */
export function lostHourLine(hour: number, events: number, lost: string[]): string {
  return `FAIL ${hourLabel(hour)} lost: the checkpoint records ${events} event${events === 1 ? '' : 's'} here, and the lake is missing ${lost.join(', ')}`;
}

export function ownerLine(path: string, problem: string | undefined): string {
  return problem ? `FAIL owner ${path}: ${problem}` : `OK  owner ${path}`;
}

export function chainLines(chain: ChainReport): string[] {
  if (chain.problems.length > 0) return chain.problems.map((p) => `FAIL chain ${p.message}`);
  return [`OK  chain ${chain.order.length} manifest${chain.order.length === 1 ? '' : 's'}, linked from the head in host storage back to the first`];
}

export function otherLine(path: string): string {
  return `FAIL other ${path}: not a file the export writes`;
}

export interface Totals {
  hours: number;
  failed: number;
  open: number;
  files: number;
  bytes: number;
  manifests: number;
  problems: number;
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function summaryLine(t: Totals): string {
  const open = t.open > 0 ? `, ${t.open} not finished yet` : '';
  return `verify: ${count(t.hours, 'hour')} checked (${t.failed} failed${open}), ${count(t.files, 'file')}, ${count(t.bytes, 'byte')}, ${count(t.manifests, 'manifest')}; ${count(t.problems, 'problem')}`;
}
