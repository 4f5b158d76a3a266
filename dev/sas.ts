import {
  BlobServiceClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  type SignedIdentifier,
} from '@azure/storage-blob';

export interface StorageAccount {
  blobEndpoint: string;
  accountName: string;
  accountKey: string;
}

export interface FileSystemSasOptions {
  fileSystem: string;
  /** Permission letters, e.g. 'cw' (Create + Write, what the exporter needs). Ignored with `policyId`. */
  permissions?: string;
  expiresOn?: Date;
  startsOn?: Date;
  /** Bind the SAS to this stored access policy, so deleting the policy revokes the SAS. */
  policyId?: string;
}

/** An admin client with the account key: for setting up the stack, never used by the exporter. */
export function adminClient(account: StorageAccount): BlobServiceClient {
  return new BlobServiceClient(account.blobEndpoint, new StorageSharedKeyCredential(account.accountName, account.accountKey));
}

/** A service SAS for a file system (sr=c), as the operator makes one in the portal. Returns the token without '?'. */
export function fileSystemSas(account: StorageAccount, options: FileSystemSasOptions): string {
  const credential = new StorageSharedKeyCredential(account.accountName, account.accountKey);
  const values = options.policyId
    ? { containerName: options.fileSystem, identifier: options.policyId }
    : {
        containerName: options.fileSystem,
        permissions: ContainerSASPermissions.parse(options.permissions ?? 'cw'),
        startsOn: options.startsOn ?? new Date(Date.now() - 5 * 60 * 1000),
        expiresOn: options.expiresOn ?? new Date(Date.now() + 24 * 3600 * 1000),
      };
  return generateBlobSASQueryParameters(values, credential).toString();
}

/** Adds (or replaces) one stored access policy on a file system, keeping the others. */
export async function setStoredAccessPolicy(
  account: StorageAccount,
  fileSystem: string,
  policy: { id: string; permissions: string; expiresOn: Date; startsOn?: Date },
): Promise<void> {
  const container = adminClient(account).getContainerClient(fileSystem);
  const current = await container.getAccessPolicy();
  const others = current.signedIdentifiers.filter((s) => s.id !== policy.id);
  const entry: SignedIdentifier = {
    id: policy.id,
    accessPolicy: {
      permissions: policy.permissions,
      startsOn: policy.startsOn ?? new Date(Date.now() - 5 * 60 * 1000),
      expiresOn: policy.expiresOn,
    },
  };
  await container.setAccessPolicy(undefined, [...others.map(normalize), entry]);
}

/** Deletes one stored access policy: every SAS bound to it stops working at once. */
export async function removeStoredAccessPolicy(account: StorageAccount, fileSystem: string, id: string): Promise<void> {
  const container = adminClient(account).getContainerClient(fileSystem);
  const current = await container.getAccessPolicy();
  await container.setAccessPolicy(
    undefined,
    current.signedIdentifiers.filter((s) => s.id !== id).map(normalize),
  );
}

// getAccessPolicy returns dates as Date | undefined; setAccessPolicy wants the same shape back.
function normalize(s: { id: string; accessPolicy: { permissions?: string; startsOn?: Date; expiresOn?: Date } }): SignedIdentifier {
  return { id: s.id, accessPolicy: { ...s.accessPolicy, permissions: s.accessPolicy.permissions ?? '' } };
}
