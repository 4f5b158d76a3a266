// The benchmark's yardstick: rclone uploading ready-made bytes to the same Azurite.
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { adminClient, fileSystemSas } from '../dev/sas';
import { reapedChildrenCpuSeconds } from './cpu';

type Container = ReturnType<ReturnType<typeof adminClient>['getContainerClient']>;
export interface AccountInfo { blobEndpoint: string; accountName: string; accountKey: string }
export interface Upload { ms: number; rcloneCpuSeconds: number | undefined }

export function rcloneInstalled(): boolean {
  return spawnSync('rclone', ['version'], { stdio: 'ignore' }).status === 0;
}

/** The blobs as local files under a fresh temporary folder (removed by the returned function). */
export async function downloadTo(container: Container, names: string[]): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-rclone-'));
  for (const name of names) {
    const target = join(dir, name);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, await container.getBlobClient(name).downloadToBuffer());
  }
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * `rclone copy dir` into a new container through `endpoint` (Azurite itself, or the gateway's blob pass-through).
 * Spawned, not spawnSync: the gateway lives in this process and must keep serving.
 */
export async function rcloneCopy(info: AccountInfo, dir: string, endpoint: string, containerName: string): Promise<Upload> {
  await adminClient(info).getContainerClient(containerName).createIfNotExists();
  // A container SAS URL: rclone 1.60 reads --azureblob-endpoint as a host suffix, which a path-style emulator URL is not.
  const sas = fileSystemSas(info, { fileSystem: containerName, permissions: 'racwdl' });
  const args = ['copy', dir, `:azureblob:${containerName}`, '--azureblob-sas-url', `${endpoint}/${containerName}?${sas}`,
    '--transfers', '4', '--no-check-dest', '--config', '/dev/null'];
  const cpu0 = reapedChildrenCpuSeconds();
  const began = process.hrtime.bigint();
  const child = spawn('rclone', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30 * 60_000);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  }).finally(() => clearTimeout(timer));
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (code !== 0) throw new Error(`rclone failed (exit ${code}): ${stderr}`);
  const cpu1 = reapedChildrenCpuSeconds();
  return { ms, rcloneCpuSeconds: cpu0 === undefined || cpu1 === undefined ? undefined : cpu1 - cpu0 };
}
