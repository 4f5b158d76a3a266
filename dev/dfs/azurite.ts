// The gateway's own calls to Azurite's Blob API. Never retried (the caller's SDK retries) and never
// logged (URLs carry SAS signatures).
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { Account, CallerAuth } from './auth';
import { hmac, stringToSign } from './sharedKey';

/** Azurite 3.35's own API version; it is run with --skipApiVersionCheck anyway. */
const BLOB_VERSION = '2025-11-05';

export interface AzuriteTarget {
  host: string;
  port: number;
  account: Account;
  agent: Agent;
}

export interface BlobCall {
  method: string;
  /** Percent-encoded path starting with /account. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string | undefined>;
  body?: Buffer | { stream: Readable; length: number };
  /** Whose credentials: the caller's, or 'key' for the gateway's bookkeeping reads. */
  auth: CallerAuth;
}

export interface BlobResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export function callBlob(target: AzuriteTarget, call: BlobCall): Promise<BlobResult> {
  const headers: Record<string, string> = { 'x-ms-version': BLOB_VERSION };
  for (const [name, value] of Object.entries(call.headers ?? {})) if (value !== undefined) headers[name.toLowerCase()] = value;
  const length = call.body === undefined ? 0 : Buffer.isBuffer(call.body) ? call.body.length : call.body.length;
  headers['content-length'] = String(length);

  const own = Object.entries(call.query ?? {});
  const sas = call.auth.kind === 'sas' ? call.auth.params : [];
  const rawQuery = [...own, ...sas].map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  if (call.auth.kind === 'bearer') headers.authorization = call.auth.authorization;
  if (call.auth.kind === 'key') {
    headers['x-ms-date'] = new Date().toUTCString();
    const msNames = Object.keys(headers).filter((h) => h.startsWith('x-ms-'));
    const text = stringToSign(call.method, target.account.name, call.path, rawQuery, (h) => headers[h], msNames);
    headers.authorization = `SharedKey ${target.account.name}:${hmac(target.account.key, text)}`;
  }

  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.host,
        port: target.port,
        method: call.method,
        path: call.path + (rawQuery ? `?${rawQuery}` : ''),
        headers,
        agent: target.agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 500, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (call.body === undefined) req.end();
    else if (Buffer.isBuffer(call.body)) req.end(call.body);
    else {
      const source = call.body.stream;
      source.on('error', (e) => req.destroy(e));
      source.on('aborted', () => req.destroy(new Error('client aborted the request body')));
      source.pipe(req);
    }
  });
}
