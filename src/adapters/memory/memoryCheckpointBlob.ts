import type { Clock } from '../../ports/clock';

/** A refusal as Blob storage words it: the HTTP status and x-ms-error-code the stores classify. */
export class BlobRefusal extends Error {
  constructor(readonly status: number, readonly code: string) {
    super(`${status} ${code}`);
    this.name = 'BlobRefusal';
  }
}

export type LeaseState = 'available' | 'leased' | 'expired' | 'broken';

interface Lease {
  id: string;
  broken: boolean;
  seconds: number;
  expiresAt: number;
}

/**
 * The checkpoint blob as storage holds it: its text, ETag and lease, shared by every MemoryCheckpointStore (every
 * run) over it. Conditions and leases follow Blob storage as Azurite implements it (blob/lease/*State.js,
 * BlobWriteLeaseValidator.js): a leased blob takes writes only with its lease id; a write naming a lease that is
 * not active fails; a lease lasts 15–60 s unless renewed, and renewing works until another lease replaces it.
 */
export class MemoryCheckpointBlob {
  private text: string | undefined;
  private etag = '';
  private versions = 0;
  private lease: Lease | undefined;

  constructor(readonly clock: Clock) {}

  // ---- what the stores call ----

  get(): { text: string; etag: string } | undefined {
    return this.text === undefined ? undefined : { text: this.text, etag: this.etag };
  }

  /** Put Blob with If-Match `etag`, or If-None-Match: * when `etag` is undefined, under `leaseId` if given. */
  put(text: string, conditions: { etag: string | undefined; leaseId: string | undefined }): string {
    this.checkWriteLease(conditions.leaseId);
    if (conditions.etag === undefined && this.text !== undefined) throw new BlobRefusal(409, 'BlobAlreadyExists');
    // If-Match on a blob that is gone fails the condition (Azurite: 412), not 404.
    if (conditions.etag !== undefined && (this.text === undefined || conditions.etag !== this.etag)) throw new BlobRefusal(412, 'ConditionNotMet');
    return this.store(text);
  }

  acquireLease(id: string, seconds: number): void {
    this.requireBlob();
    if (seconds < 15 || seconds > 60) throw new BlobRefusal(400, 'InvalidHeaderValue');
    if (this.locked() && this.lease!.id !== id) throw new BlobRefusal(409, 'LeaseAlreadyPresent');
    this.lease = { id, broken: false, seconds, expiresAt: this.now() + seconds * 1000 };
  }

  renewLease(id: string): void {
    this.requireBlob();
    if (!this.lease) throw new BlobRefusal(409, 'LeaseNotPresentWithLeaseOperation');
    if (this.lease.id !== id) throw new BlobRefusal(409, 'LeaseIdMismatchWithLeaseOperation');
    if (this.lease.broken) throw new BlobRefusal(409, 'LeaseIsBrokenAndCannotBeRenewed');
    this.lease.expiresAt = this.now() + this.lease.seconds * 1000;
  }

  releaseLease(id: string): void {
    this.requireBlob();
    if (!this.lease) throw new BlobRefusal(409, 'LeaseNotPresentWithLeaseOperation');
    if (this.lease.id !== id) throw new BlobRefusal(409, 'LeaseIdMismatchWithLeaseOperation');
    this.lease = undefined;
  }

  // ---- for tests: another party acting on the blob, and what it holds ----

  /** The stored text (what the stores encode), or undefined if there is none. */
  read(): string | undefined {
    return this.text;
  }

  /** Replaces the text out of band, as an operator restoring a backup would; a leased blob refuses, as in Azure. */
  write(text: string): string {
    this.checkWriteLease(undefined);
    return this.store(text);
  }

  /** Deletes the blob out of band; a leased blob refuses, as in Azure. */
  delete(): void {
    this.checkWriteLease(undefined);
    this.text = undefined;
    this.lease = undefined;
  }

  /** Breaks the lease at once (break period 0), as an operator or another host can. */
  breakLease(): void {
    this.requireBlob();
    if (!this.lease) throw new BlobRefusal(409, 'LeaseNotPresentWithLeaseOperation');
    this.lease.broken = true;
  }

  /** Another run takes the lease and never renews or releases it (it died): it blocks others until it expires. */
  takeLease(seconds = 60): string {
    const id = `foreign-${this.versions}-${this.now()}`;
    this.acquireLease(id, seconds);
    return id;
  }

  leaseState(): LeaseState {
    if (!this.lease) return 'available';
    if (this.lease.broken) return 'broken';
    return this.locked() ? 'leased' : 'expired';
  }

  private store(text: string): string {
    this.text = text;
    this.versions += 1;
    this.etag = `"0x8DE${this.versions.toString(16).toUpperCase().padStart(11, '0')}"`;
    return this.etag;
  }

  private locked(): boolean {
    return this.lease !== undefined && !this.lease.broken && this.now() < this.lease.expiresAt;
  }

  private checkWriteLease(leaseId: string | undefined): void {
    if (this.locked()) {
      if (leaseId === undefined) throw new BlobRefusal(412, 'LeaseIdMissing');
      if (leaseId !== this.lease!.id) throw new BlobRefusal(409, 'LeaseIdMismatchWithBlobOperation');
    } else if (leaseId !== undefined) {
      throw new BlobRefusal(412, 'LeaseLost');
    }
  }

  private requireBlob(): void {
    if (this.text === undefined) throw new BlobRefusal(404, 'BlobNotFound');
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
