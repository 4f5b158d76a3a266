import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { connect } from 'node:net';

/** Starts a node script and resolves with the first stdout line that parses as JSON. */
export function spawnForJsonLine(
  script: string,
  args: string[] = [],
  timeoutMs = 30_000,
): Promise<{ child: ChildProcessWithoutNullStreams; line: Record<string, unknown>; stderr: () => string }> {
  const child = spawn(process.execPath, [script, ...args], { stdio: 'pipe' });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no JSON line within ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      try {
        resolve({ child, line: JSON.parse(out.slice(0, nl)), stderr: () => err });
      } catch (error) {
        reject(new Error(`first stdout line is not JSON: ${out.slice(0, nl)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before printing; stderr:\n${err}`));
    });
  });
}

export function waitForExit(child: ChildProcessWithoutNullStreams, timeoutMs = 20_000): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process still running after ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/** True once nothing accepts connections on the loopback port; polls for at most `timeoutMs`. */
export async function portClosed(port: number, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; i < 200 && Date.now() < deadline; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (!open) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
