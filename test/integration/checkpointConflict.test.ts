// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { STATE_CONTAINER } from '../../src/adapters/azure/hostStorage';
import { configId } from '../../src/config/configId';
import { adminClient } from '../../dev/sas';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-03-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 4 * 3600_000);

describe('a checkpoint conflict (another writer took over) stops the run without loss or duplication', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ count: 300, start: T0, spanSeconds: 3 * 3600, seed: 23 });
  });
  afterAll(() => h?.stop());

  it('the overtaken run stops at its next save; the next run finishes exactly', async () => {
    const env = { ADLS_PATH: 'conflict', AUDIT_PAGE_SIZE: '20', EXPORT_BATCH_MAX_BYTES: '9000' };
    h.stack.auditApi.setFaults({ delayMs: 60 });
    const running = h.run(NOW, env).then((s) => s.status, (e: { code?: string }) => `failed: ${e.code}`);
    for (let i = 0; i < 200 && !h.logs.some((l) => l.includes('batch written')); i++) await new Promise((r) => setTimeout(r, 25));

    // Another writer takes over: the lease is broken and the checkpoint rewritten (same content, new ETag).
    const blob = adminClient(h.stack.info).getContainerClient(STATE_CONTAINER).getBlockBlobClient(`checkpoints/${configId(h.settings(env))}.json`);
    await blob.getBlobLeaseClient().breakLease(0);
    for (let i = 0; i < 20; i++) {
      const current = await blob.download();
      const body = await new Promise<Buffer>((resolve) => {
        const chunks: Buffer[] = [];
        current.readableStreamBody!.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks)));
      });
      const ok = await blob.upload(body, body.length, { conditions: { ifMatch: current.etag } }).then(() => true, () => false);
      if (ok) break;
    }
    expect(await running).toMatch(/^failed: (CheckpointConflict|LeaseLost)$/);
    h.stack.auditApi.resetFaults();

    for (let i = 0; i < 3; i++) if ((await h.run(NOW, env)).status === 'caught-up') break;
    expect(allLines(await h.readLake('conflict'))).toEqual(h.apiEvents().map(expectedLine));
  });
});
