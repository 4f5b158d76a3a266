// `npm start` as a user runs it after `npm ci`: the demo exports every sample event exactly once and exits 0.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../dev/paths';

describe('npm start (the demo)', () => {
  it('exports every sample event exactly once, lists the hour files and manifests, and exits 0', async () => {
    const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'dev', 'cli', 'start.js')], { env: process.env });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect({ code, out }).toEqual({ code: 0, out: expect.stringContaining('lake check: 2000 NDJSON lines stored — every event exactly once') });
    expect(out).toMatch(/exported 2000 of 2000 events/);
    expect(out).toMatch(/hour manifests, one hash chain/);
  }, 120_000);
});
