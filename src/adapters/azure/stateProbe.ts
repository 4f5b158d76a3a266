import { randomUUID } from 'node:crypto';
import { STATE_CONTAINER, type StateContainer } from './hostStorage';

/** A lease as short as Azure allows: a probe that could not release it leaves it for 15 s at most. */
const PROBE_LEASE_SECONDS = 15;

/**
 * Proves what a run needs of the host storage, step by step: the state container exists or can be created, a blob
 * can be written, and a lease on it taken and released. Uses its own blob, never the checkpoint a run may hold.
 * Each failure is an ExportError naming the storage, its setting and the step.
 */
export async function probeStateStorage(state: StateContainer, configId: string, { abortSignal, now }: { abortSignal: AbortSignal; now: Date }): Promise<string> {
  const blob = state.client.getBlockBlobClient(`probes/${configId}.txt`);
  const lease = blob.getBlobLeaseClient(randomUUID());
  const text = `connection test ${now.toISOString()}\n`;
  const step = async <T>(what: string, call: (abortSignal: AbortSignal) => Promise<T>): Promise<T> => {
    try {
      return await state.call(what, abortSignal, call);
    } catch (error) {
      throw state.error(error, what);
    }
  };
  const created = await step('create the state container', (s) => state.client.createIfNotExists({ abortSignal: s }));
  await step(`write ${blob.name}`, (s) => blob.upload(text, Buffer.byteLength(text), { abortSignal: s }));
  await step(`take a lease on ${blob.name}`, (s) => lease.acquireLease(PROBE_LEASE_SECONDS, { abortSignal: s }));
  await step(`release the lease on ${blob.name}`, (s) => lease.releaseLease({ abortSignal: s }));
  const container = created.succeeded ? 'created' : 'found';
  return `${container} ${STATE_CONTAINER} in ${state.peer.endpoint}, wrote ${blob.name}, took and released a lease on it`;
}
