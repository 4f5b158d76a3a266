import type { Composition } from '../run/composition';
import { redact } from '../redact';

type Options = { abortSignal: AbortSignal };

/**
 * `checkpoint show`: the stored checkpoint as JSON, with its ETag, whether a run holds the lease and the export
 * configuration's id; or a sentence saying there is none. Reads only: no lease, no vault, no lake.
 */
export async function checkpointShow(root: Composition, print: (line: string) => void, options: Options): Promise<number> {
  const { settings, configId: id } = root;
  const store = root.checkpoints();
  const opts = { abortSignal: options.abortSignal };
  const [stored, leased] = await Promise.all([store.load(opts), store.leased(opts)]);
  if (!stored) {
    const first = settings.exportStart ? `EXPORT_START, ${settings.exportStart.toISOString()}` : '24 hours before it starts (EXPORT_START is not set)';
    print(`no checkpoint for export configuration ${id} (${store.blobPath}): the next run starts at ${first}`);
    return 0;
  }
  const view = { configId: id, blob: store.blobPath, leased, etag: stored.etag, checkpoint: stored.checkpoint };
  print(redact(JSON.stringify(view, null, 2)));
  return 0;
}
