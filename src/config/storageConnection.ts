import { ACCOUNT_NAME } from './names';

const SHAPE = 'expected DefaultEndpointsProtocol=https;AccountName=…;AccountKey=…;EndpointSuffix=core.windows.net, or UseDevelopmentStorage=true';

/**
 * Why a host-storage connection string (AzureWebJobsStorage) is unusable, or undefined. Names what is wrong and
 * never quotes the value: it holds the account key.
 */
export function connectionStringProblem(value: string): string | undefined {
  if (/^UseDevelopmentStorage=true;?$/i.test(value.trim())) return undefined;
  const parts = new Map<string, string>();
  for (const pair of value.split(';')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0) return `is not a storage connection string: a part has no "name=value" (${SHAPE})`;
    parts.set(pair.slice(0, eq).trim().toLowerCase(), pair.slice(eq + 1).trim());
  }
  const protocol = parts.get('defaultendpointsprotocol');
  if (protocol !== undefined && protocol !== 'https' && protocol !== 'http') return `has DefaultEndpointsProtocol other than https or http`;
  const endpoint = parts.get('blobendpoint');
  if (endpoint !== undefined) {
    let u: URL | undefined;
    try {
      u = new URL(endpoint);
    } catch {
      return 'has a BlobEndpoint that is not a URL';
    }
    if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'has a BlobEndpoint that is not an http(s) URL';
    if (u.username || u.password) return 'has a BlobEndpoint with a user name or password in it';
  }
  const account = parts.get('accountname');
  const key = parts.get('accountkey');
  const sas = parts.get('sharedaccesssignature');
  if (!sas && !account) return `is not a storage connection string: it has no AccountName (${SHAPE})`;
  if (account !== undefined && !ACCOUNT_NAME.test(account) && account !== 'devstoreaccount1') return 'has an AccountName that is not a storage account name (3-24 lowercase letters and digits)';
  if (!sas && !key) return `has neither AccountKey nor SharedAccessSignature (${SHAPE})`;
  if (key !== undefined && !/^[A-Za-z0-9+/]+={0,2}$/.test(key)) return 'has an AccountKey that is not base64 (copy it again from the storage account\'s access keys)';
  if (!endpoint && !parts.has('endpointsuffix') && protocol === undefined) return `has no BlobEndpoint and no DefaultEndpointsProtocol/EndpointSuffix to build one from (${SHAPE})`;
  return undefined;
}
