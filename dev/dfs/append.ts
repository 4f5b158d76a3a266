// Path - Update, action=append[&flush=true]: stages the body as one block whose id records its range.
import { createHash } from 'node:crypto';
import { readBody } from '../http/server';
import { blobOk, getBlockList } from './blob';
import { encodeBlockId } from './blockId';
import { commit } from './commit';
import type { DfsContext } from './context';
import { DfsError, headerText } from './errors';
import { committedState } from './flushPlan';
import { booleanParam, requiredPosition } from './params';
import { authorizedError } from './probe';
import { sendEmpty } from './reply';

/** Largest append body; Azure allows 4000 MiB, bodies are streamed. */
const MAX_APPEND = 4000 * 1024 * 1024;
/** Content-MD5 verification buffers one append; keep that bounded. */
const MAX_VERIFIED_APPEND = 100 * 1024 * 1024;

export async function append(ctx: DfsContext): Promise<void> {
  const position = requiredPosition(ctx.url);
  const flush = booleanParam(ctx.url, 'flush');
  const length = contentLength(ctx);
  const md5 = headerText(ctx.req.headers['content-md5']);

  let body: Buffer | undefined;
  try {
    const list = await getBlockList(ctx);
    const state = committedState(list.committed, list.blobLength);
    if (!state.ok) throw new DfsError(409, 'InvalidFlushOperation');
    if (position < state.length) throw new DfsError(400, 'InvalidFlushPosition');
    if (md5 !== undefined) body = await verifiedBody(ctx, md5, length);
  } catch (error) {
    throw await authorizedError(ctx, error);
  }

  await blobOk(ctx, {
    method: 'PUT',
    path: ctx.blobPath,
    query: { comp: 'block', blockid: encodeBlockId(position, length) },
    headers: { 'x-ms-lease-id': headerText(ctx.req.headers['x-ms-lease-id']) },
    body: body ?? { stream: ctx.req, length },
    auth: ctx.auth,
  });

  const version = flush
    ? await commit(ctx, {
        position: position + length,
        retainUncommittedData: false,
        conditions: { 'x-ms-lease-id': headerText(ctx.req.headers['x-ms-lease-id']) },
        requestHeaders: {},
      })
    : {};
  const echo: Record<string, string> = md5 ? { 'content-md5': md5 } : {};
  sendEmpty(ctx.res, 202, ctx.reply, { ...version, ...echo, 'x-ms-request-server-encrypted': 'true' });
}

function contentLength(ctx: DfsContext): number {
  const raw = headerText(ctx.req.headers['content-length']);
  if (raw === undefined) throw new DfsError(411, 'MissingContentLengthHeader');
  const length = Number(raw);
  if (!/^\d+$/.test(raw)) throw new DfsError(400, 'InvalidHeaderValue');
  // An empty append is an error on Azure too (the SDK avoids sending one).
  if (length === 0) throw new DfsError(400, 'InvalidHeaderValue', 'The request body of an append must not be empty.');
  if (length > MAX_APPEND) throw new DfsError(413, 'RequestBodyTooLarge');
  return length;
}

async function verifiedBody(ctx: DfsContext, md5: string, length: number): Promise<Buffer> {
  if (length > MAX_VERIFIED_APPEND) throw new DfsError(413, 'RequestBodyTooLarge');
  const body = await readBody(ctx.req, length);
  if (createHash('md5').update(body).digest('base64') !== md5) throw new DfsError(400, 'Md5Mismatch');
  return body;
}
