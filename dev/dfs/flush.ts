// Path - Update, action=flush.
import { commit } from './commit';
import type { DfsContext } from './context';
import { DfsError, headerText } from './errors';
import { conditionHeaders } from './headers';
import { booleanParam, requiredPosition } from './params';
import { sendEmpty } from './reply';

export async function flush(ctx: DfsContext): Promise<void> {
  const position = requiredPosition(ctx.url);
  const retainUncommittedData = booleanParam(ctx.url, 'retainUncommittedData');
  booleanParam(ctx.url, 'close'); // validated, otherwise only meaningful for change events
  const length = headerText(ctx.req.headers['content-length']);
  if ((length !== undefined && length !== '0') || ctx.req.headers['transfer-encoding']) {
    throw new DfsError(400, 'ContentLengthMustBeZero');
  }
  const version = await commit(ctx, {
    position,
    retainUncommittedData,
    conditions: conditionHeaders(ctx.req.headers),
    requestHeaders: ctx.req.headers,
  });
  sendEmpty(ctx.res, 200, ctx.reply, { ...version, 'x-ms-request-server-encrypted': 'true' });
}
