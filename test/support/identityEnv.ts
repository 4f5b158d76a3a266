// DefaultAzureCredential reads these at construction: point it at the local managed-identity endpoint only.
const CLEARED = [
  'AZURE_CLIENT_ID',
  'AZURE_TENANT_ID',
  'AZURE_CLIENT_SECRET',
  'AZURE_CLIENT_CERTIFICATE_PATH',
  'AZURE_FEDERATED_TOKEN_FILE',
  'AZURE_USERNAME',
  'AZURE_PASSWORD',
  'AZURE_TOKEN_CREDENTIALS',
  'IDENTITY_SERVER_THUMBPRINT',
  'MSI_ENDPOINT',
  'MSI_SECRET',
];

/** Sets the App Service managed-identity variables; returns a function that restores the environment. */
export function useManagedIdentity(endpoint: string, header: string): () => void {
  const saved = new Map<string, string | undefined>();
  for (const name of [...CLEARED, 'IDENTITY_ENDPOINT', 'IDENTITY_HEADER']) saved.set(name, process.env[name]);
  for (const name of CLEARED) delete process.env[name];
  process.env.IDENTITY_ENDPOINT = endpoint;
  process.env.IDENTITY_HEADER = header;
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
