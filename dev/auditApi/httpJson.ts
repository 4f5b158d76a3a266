// JSON in and out for the audit API's routes: error answers in one shape, request bodies parsed or refused.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sendJson } from '../http/server';
import { BadRequest } from './query';

const REASONS: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 500: 'Internal Server Error',
};

/** {statusCode, error, message}, the shape Immuta's API answers errors in. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, error = REASONS[status]): void {
  sendJson(res, status, { statusCode: status, error, message }, headers);
}

export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const text = (await readBody(req, limit)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new BadRequest('the body must be JSON');
  }
}
