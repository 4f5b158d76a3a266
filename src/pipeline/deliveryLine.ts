import type { StoredCheckpoint } from '../ports/checkpointStore';

/** One step on the line: takes the checkpoint as the steps before it left it, returns it advanced. */
export type DeliveryStep = (stored: StoredCheckpoint) => Promise<StoredCheckpoint> | StoredCheckpoint;

/**
 * Everything that moves the checkpoint happens here, one step after another in the order queued (each batch's
 * intent also records the advance of the batch before it), while the caller goes on fetching the next batch.
 * After a failure the remaining steps are skipped and the failure is thrown by the next settled().
 */
export class DeliveryLine {
  #stored: StoredCheckpoint;
  #tail: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;

  constructor(stored: StoredCheckpoint) {
    this.#stored = stored;
  }

  /** Whether a step has failed (the caller can stop fetching; settled() throws the error). */
  get failed(): boolean {
    return this.#failure !== undefined;
  }

  queue(step: DeliveryStep): void {
    this.#tail = this.#tail.then(async () => {
      if (this.#failure) return;
      try {
        this.#stored = await step(this.#stored);
      } catch (error) {
        this.#failure = { error };
      }
    });
  }

  /** Waits for every step queued so far; the checkpoint they leave, or the first failure. */
  async settled(): Promise<StoredCheckpoint> {
    await this.#tail;
    if (this.#failure) throw this.#failure.error;
    return this.#stored;
  }
}
