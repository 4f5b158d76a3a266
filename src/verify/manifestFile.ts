import { z } from 'zod';
import { MANIFEST_FORMAT, type Manifest } from '../manifest/manifest';

const sha = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const count = z.number().int().min(0);
const schema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  configId: z.string(),
  hour: z.iso.datetime(),
  revision: z.number().int().min(1),
  parts: z.array(
    z.object({
      path: z.string().min(1),
      length: count,
      events: count,
      firstId: z.string(),
      lastId: z.string(),
      ranges: z.array(z.object({ from: count, to: count, sha256: sha })),
    }),
  ),
  quarantine: z.array(z.object({ path: z.string().min(1), bytes: count, events: count, sha256: sha, reason: z.string() })).optional(),
  apiCount: count.nullable(),
  writtenAt: z.iso.datetime(),
  previous: sha.nullable(),
});

/** A manifest's bytes as a Manifest, or why they are not one. */
export function decodeManifest(bytes: Buffer): { manifest: Manifest } | { problem: string } {
  let data: unknown;
  try {
    data = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { problem: 'not JSON' };
  }
  const parsed = schema.safeParse(data);
  if (parsed.success) return { manifest: parsed.data as Manifest };
  const first = parsed.error.issues[0]!;
  return { problem: `${first.path.join('.') || '(root)'}: ${first.message}` };
}

/** Only the chain link, for a manifest that is not valid otherwise: the chain can still pass through it. */
export function previousOf(bytes: Buffer): string | null | undefined {
  try {
    const previous = (JSON.parse(bytes.toString('utf8')) as { previous?: unknown }).previous;
    return previous === null || (typeof previous === 'string' && /^[0-9a-f]{64}$/.test(previous)) ? previous : undefined;
  } catch {
    return undefined;
  }
}
