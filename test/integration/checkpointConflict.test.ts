// One local stack per test file: the identity library caches its endpoint and tokens per process module registry.
import { startFaultProxy, viaProxy, type FaultProxy } from '../../dev/faultProxy';
import { decodeCheckpoint } from '../../src/checkpoint/checkpointCodec';
import { ExportError } from '../../src/errors';
import { allLines, expectedLine, startHarness, type Harness } from '../support/exporterHarness';

const T0 = new Date('2026-03-01T00:00:00.000Z');
const NOW = new Date(T0.getTime() + 4 * 3600_000);

describe('a checkpoint conflict (another writer took over) stops the run without loss or duplication', () => {
  let h: Harness;
  let state: FaultProxy;
  beforeAll(async () => {
    h = await startHarness({ count: 300, start: T0, spanSeconds: 3 * 3600, seed: 23 });
    state = await startFaultProxy({ target: new URL(h.stack.info.blobEndpoint).origin });
  });
  afterAll(async () => {
    await state?.stop();
    await h?.stop();
  });

  it('the overtaken run stops at its next save with CheckpointConflict; the next run finishes exactly', async () => {
    const stateConnection = h.stack.info.azureWebJobsStorage.replace(h.stack.info.blobEndpoint, viaProxy(h.stack.info.blobEndpoint, state));
    // A 60 s lease is renewed at 20 s and given up no sooner than 40 s: in this run's few seconds only a save can
    // notice the takeover, so LeaseLost is not a possible outcome.
    const env = { ADLS_PATH: 'conflict', AUDIT_PAGE_SIZE: '20', EXPORT_BATCH_MAX_BYTES: '9000', EXPORT_LEASE_SECONDS: '60', AzureWebJobsStorage: stateConnection };
    // PUTs of the checkpoint blob: its creation, the lease, the claim on the lake path, the first batch's intent, then
    // the save after the first batch's flush, which the proxy holds until the takeover is done.
    state.setRules([{ method: 'PUT', pathIncludes: '/checkpoints/', fault: 'delay', delayMs: 600_000, skip: 4, count: 1 }]);
    const running = h.run(NOW, env).then(
      (s) => s.status,
      (e: unknown) => (e instanceof ExportError ? `${e.code}/${e.kind}` : String(e)),
    );
    await Promise.race([state.whenFaulted(), running.then((o) => Promise.reject(new Error(`the run ended (${o}) before its second save`)))]);

    // Another writer takes over: the lease is broken and the checkpoint rewritten (same content, new ETag).
    const blob = h.checkpointBlob(env);
    await blob.getBlobLeaseClient().breakLease(0);
    const taken = await blob.download();
    const body = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      taken.readableStreamBody!.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
    });
    await blob.upload(body, body.length, { conditions: { ifMatch: taken.etag } });
    state.forwardDelayed();

    expect(await running).toBe('CheckpointConflict/conflict');
    state.clearRules();
    // The overtaken run changed nothing after the takeover: the checkpoint is the other writer's. The save it was
    // stopped at would have applied the first batch: the lake holds that batch, the checkpoint has it as an intent.
    expect((await blob.downloadToBuffer()).equals(body)).toBe(true);
    const { intent } = decodeCheckpoint(body.toString('utf8'));
    expect(intent).toMatchObject({ from: 0, events: 12, next: { cursor: { written: 12 } } });
    const expected = h.apiEvents().map(expectedLine);
    expect(allLines(await h.readLake('conflict'))).toEqual(expected.slice(0, 12));

    const from = h.logs.length;
    for (let i = 0; i < 3; i++) if ((await h.run(NOW, env)).status === 'caught-up') break;
    expect(h.logs.slice(from).filter((l) => l.includes('recovered an interrupted batch'))).toEqual([
      `info: recovered an interrupted batch: it is in the lake ${JSON.stringify({ file: intent!.file.path, from: 0, to: intent!.to })}`,
    ]);
    expect(allLines(await h.readLake('conflict'))).toEqual(expected);
  });
});
