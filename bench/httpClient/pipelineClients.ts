// Variants (b) and (c): the audit API's GET through @azure/core-rest-pipeline, the SDKs' HTTP stack.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { Readable } from 'node:stream';
import {
  createDefaultHttpClient, createEmptyPipeline, createHttpHeaders, createPipelineFromOptions, createPipelineRequest, decompressResponsePolicy,
  proxyPolicyName, redirectPolicyName,
  type Pipeline, type PipelineResponse,
} from '@azure/core-rest-pipeline';
import { BodyTooLarge, collect, type HttpGetOptions } from '../../src/adapters/auditApi/httpGet';
import type { BenchClient } from './client';

/** Statuses whose body is handed over as a stream (with streamResponseStatusCodes); others arrive as bodyAsText. */
const SUCCESS = new Set(Array.from({ length: 100 }, (_, k) => 200 + k));

/**
 * The pipeline the SDKs build, less what the audit source does itself or must not do: retries (ours honour
 * Retry-After against the run deadline and re-exchange a refused token), redirects (refused with a message) and
 * the environment's proxy (today's client goes direct).
 */
export function auditPipeline(): Pipeline {
  const pipeline = createPipelineFromOptions({});
  pipeline.removePolicy({ phase: 'Retry' });
  pipeline.removePolicy({ name: redirectPolicyName });
  pipeline.removePolicy({ name: proxyPolicyName });
  return pipeline;
}

/** The least a pipeline can be and still ask for compressed answers: what the other policies cost, by difference. */
export function barePipeline(): Pipeline {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(decompressResponsePolicy());
  return pipeline;
}

interface PipelineClientOptions {
  /** (b) the 2xx body as a stream, read into the buffer `allocate` gives; (c) bodyAsText, then Buffer.from. */
  body: 'stream' | 'text';
  /** Keep-alive connections, 8 at most as HttpGetter's (default: the client's own agents, unlimited). */
  ownAgents?: boolean;
}

export function pipelineClient(name: string, pipeline: Pipeline, { body, ownAgents = true }: PipelineClientOptions): BenchClient {
  const client = createDefaultHttpClient();
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, maxSockets: 8 }),
    'https:': new HttpsAgent({ keepAlive: true, maxSockets: 8 }),
  };
  return {
    name,
    async get(url, headers, options) {
      // Our own signal too, so a body that fails to read can close the connection (the client keeps the request).
      const local = new AbortController();
      const request = createPipelineRequest({
        url: url.href,
        method: 'GET',
        headers: createHttpHeaders(headers),
        abortSignal: AbortSignal.any([options.abortSignal, local.signal]),
        allowInsecureConnection: url.protocol === 'http:',
        ...(body === 'stream' ? { streamResponseStatusCodes: SUCCESS } : {}),
      });
      if (ownAgents) request.agent = agents[url.protocol as 'http:' | 'https:'];
      const response = await pipeline.sendRequest(client, request);
      const answer = (bytes: Buffer) => ({ status: response.status, header: (n: string) => response.headers.get(n), body: bytes });
      if (response.status < 200 || response.status >= 300) return answer(Buffer.alloc(0));
      if (body === 'text') return answer(Buffer.from(response.bodyAsText ?? '', 'utf8'));
      try {
        return answer(await readStreamedBody(response, options));
      } catch (error) {
        local.abort(error);
        throw error;
      }
    },
  };
}

/** The client has already decoded gzip and deflate; the size is known only for an identity body. */
function readStreamedBody(response: PipelineResponse, { maxBytes, allocate }: HttpGetOptions): Promise<Buffer> {
  const stream = response.readableStreamBody as Readable;
  const encoding = (response.headers.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'deflate') {
    stream.destroy();
    return Promise.reject(new Error(`unsupported content-encoding "${encoding}"`));
  }
  const declared = encoding === 'identity' ? Number(response.headers.get('content-length')) : NaN;
  if (!Number.isSafeInteger(declared)) return collect(stream, maxBytes, undefined);
  if (declared > maxBytes) {
    stream.destroy();
    return Promise.reject(new BodyTooLarge(maxBytes));
  }
  return collect(stream, maxBytes, (allocate ?? Buffer.allocUnsafe)(declared)).then((b) => {
    if (b.length !== declared) throw new Error(`the answer ended after ${b.length} of ${declared} bytes`);
    return b;
  });
}
