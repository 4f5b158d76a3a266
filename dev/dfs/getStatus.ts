// Path - Get Properties in dfs form (HEAD ?action=getStatus|getAccessControl), from Blob Get Properties.
import type { OutgoingHttpHeaders } from 'node:http';
import { blobOk, isDirectory } from './blob';
import type { DfsContext } from './context';
import { headerText } from './errors';
import { conditionHeaders } from './headers';
import { sendEmpty } from './reply';

const COPIED = ['content-length', 'content-type', 'content-md5', 'content-encoding', 'content-language',
  'content-disposition', 'cache-control', 'etag', 'last-modified', 'x-ms-lease-state', 'x-ms-lease-status',
  'x-ms-lease-duration', 'x-ms-creation-time', 'x-ms-server-encrypted'];

export async function getStatus(ctx: DfsContext): Promise<void> {
  const result = await blobOk(ctx, {
    method: 'HEAD',
    path: ctx.blobPath,
    headers: conditionHeaders(ctx.req.headers),
    auth: ctx.auth,
  });
  const headers: OutgoingHttpHeaders = {};
  for (const name of COPIED) {
    const value = headerText(result.headers[name]);
    if (value !== undefined) headers[name] = value;
  }
  const properties = Object.entries(result.headers)
    .filter(([name]) => name.startsWith('x-ms-meta-') && name !== 'x-ms-meta-hdi_isfolder')
    .map(([name, value]) => `${name.slice('x-ms-meta-'.length)}=${Buffer.from(headerText(value) ?? '').toString('base64')}`);
  if (properties.length > 0) headers['x-ms-properties'] = properties.join(',');
  headers['x-ms-resource-type'] = isDirectory(result.headers) ? 'directory' : 'file';
  sendEmpty(ctx.res, 200, ctx.reply, headers);
}
