import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The project root, found by walking up to package.json, so code works from src and from dist. */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  for (let i = 0; i < 10; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new Error(`package.json not found above ${from}`);
}

/** Where the local stack keeps what must survive restarts (the vault's TLS certificate). Git-ignored. */
export function stackStateDir(): string {
  return join(projectRoot(), '.stack');
}
