// Query parameter parsing for dfs operations.
import { DfsError } from './errors';

export function requiredPosition(url: URL): number {
  const raw = url.searchParams.get('position');
  if (raw === null || raw === '') throw new DfsError(400, 'MissingRequiredQueryParameter');
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) throw new DfsError(400, 'InvalidQueryParameterValue');
  return Number(raw);
}

export function booleanParam(url: URL, name: string): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return false;
  if (raw.toLowerCase() === 'true') return true;
  if (raw.toLowerCase() === 'false') return false;
  throw new DfsError(400, 'InvalidQueryParameterValue');
}
