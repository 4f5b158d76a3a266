import { encodeCheckpoint } from '../checkpoint/checkpointCodec';
import { applyReset, previewReset } from '../reset/resetCheckpoint';
import { resetNotes } from '../reset/resetNotes';
import { parseResetStart } from './resetStart';
import type { Composition } from '../run/composition';
import { redact } from '../redact';

type Io = { out: (line: string) => void; err: (line: string) => void };
type Options = { abortSignal: AbortSignal; now?: Date };

/**
 * `checkpoint reset --start ISO [--yes]`: without --yes, prints what it would replace and write and exits 2
 * (it runs unattended too, so it never prompts); with --yes, replaces the checkpoint under the lease and prints
 * what it replaced. Warnings (a pending write, a range skipped or exported again, noticed hours dropped) go to stderr.
 */
export async function checkpointReset(root: Composition, args: { start?: string; yes?: boolean }, io: Io, options: Options): Promise<number> {
  const { settings } = root;
  const start = parseResetStart(args.start, options.now ?? root.clock.now());
  const store = root.checkpoints();
  const reset = { start, root: settings.path, abortSignal: options.abortSignal };
  const result = args.yes ? await applyReset(store, reset) : await previewReset(store, reset);
  const { warnings, notes } = resetNotes(result.old?.checkpoint, result.plan, start, settings.path);
  const [replaced, wrote] = args.yes ? ['replaced', 'wrote'] : ['would replace', 'would write'];
  const out = (line: string) => io.out(redact(line));
  out(`checkpoint of export configuration ${root.configId} (${store.blobPath})`);
  out(result.old ? `${replaced} (ETag ${result.old.etag}): ${encodeCheckpoint(result.old.checkpoint)}` : `${replaced}: nothing (no checkpoint was stored)`);
  out(`${wrote}${result.etag ? ` (ETag ${result.etag})` : ''}: ${encodeCheckpoint(result.plan.next)}`);
  for (const note of notes) out(note);
  for (const warning of warnings) io.err(redact(`warning: ${warning}`));
  if (args.yes) return 0;
  io.err('audit-export: nothing changed: run again with --yes to replace the checkpoint');
  return 2;
}
