import type { StorageRetryOptions } from '@azure/storage-blob';
import type { PeerRetry } from '../../config/defaults';
import type { ExportErrorCode } from '../../errors';

/** An Azure peer as messages name it: what it is, where, and the app setting that points there. */
export interface Peer {
  /** "Key Vault", "host storage", "the lake". */
  name: string;
  /** Never with a query: that is where a SAS would be. */
  endpoint: string;
  /** The app setting an operator changes to point elsewhere. */
  setting: string;
  /** ExportError code of a call that timed out. */
  timeoutCode: ExportErrorCode;
  retry: PeerRetry;
}

/** `Key Vault https://… (KEY_VAULT_URL)`. */
export function describePeer(peer: Peer): string {
  return `${peer.name} ${peer.endpoint} (${peer.setting})`;
}

/** The storage SDK's own retry options for a peer. */
export function storageRetryOptions(retry: PeerRetry): StorageRetryOptions {
  return { maxTries: retry.maxTries, tryTimeoutInMs: retry.tryTimeoutMs, retryDelayInMs: retry.retryDelayMs, maxRetryDelayInMs: retry.maxRetryDelayMs };
}
