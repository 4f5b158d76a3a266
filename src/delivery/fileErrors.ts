import { ExportError } from '../errors';

// What a fenced write or a recovery finds when another writer has been at a file the checkpoint describes.

/** The file is not `lengths` bytes long, as the checkpoint says it must be: someone else wrote it. */
export function fileChanged(path: string, lengths: string, cause?: unknown): ExportError {
  return new ExportError(
    'UnexpectedFileLength',
    `${path} is ${lengths} bytes long, so another writer has changed it; ` +
      'stop other exporters writing to this path, then move the file aside and run again',
    { kind: 'conflict', cause },
  );
}

export function fileVanished(path: string, cause?: unknown): ExportError {
  return new ExportError(
    'FileVanished',
    `${path} is recorded in the checkpoint but no longer exists in the lake; restore it, or reset the checkpoint to re-export`,
    { kind: 'permanent', cause },
  );
}
