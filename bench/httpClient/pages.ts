// The child process of bench/httpClient.bench.ts: one client fetches every page of the sample audit API, 8 ahead
// as the exporter asks them, each into a pooled page buffer handed back once the page is used; prints its costs.
import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { PageBuffers } from '../../src/adapters/auditApi/pageBuffers';
import { MAX_PAGE_BYTES, PAGE_BUFFERS, PAGES_AHEAD } from '../../src/config/defaults';
import type { BenchClient } from './client';

export const RESULT_PREFIX = 'bench-pages ';

/** What a child prints after RESULT_PREFIX, as JSON. */
export interface PagesResult {
  client: string;
  pages: number;
  bytes: number;
  /** sha256 of every body in page order, when asked for (it costs CPU, so not in timed rounds). */
  digest?: string;
  /** From the first request to the last page used. */
  ms: number;
  cpuMs: number;
  /** Before the first request: Node's start-up and loading the client's modules. */
  startupMs: number;
  startupCpuMs: number;
}


export async function fetchEveryPage(client: BenchClient): Promise<void> {
  const startupMs = performance.now();
  const startupCpu = process.cpuUsage();
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { url: { type: 'string' }, key: { type: 'string' }, events: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, digest: { type: 'boolean' }, body: { type: 'string' }, bare: { type: 'boolean' } },
  });
  const events = Number(values.events);
  const size = 1000;
  const pages = Math.ceil(events / size);
  const headers = { accept: 'application/json', authorization: `Bearer ${values.key}` };
  const buffers = new PageBuffers(PAGE_BUFFERS);
  const digest = values.digest ? createHash('sha256') : undefined;
  const ask = async (page: number): Promise<Buffer> => {
    const url = new URL(`${values.url}/audit`);
    url.search = new URLSearchParams({ minDate: values.from!, maxDate: values.to!, offset: String(page * size), size: String(size), sortField: 'dateTime', sortOrder: 'asc' }).toString();
    const answer = await client.get(url, headers, { abortSignal: AbortSignal.timeout(60_000), maxBytes: MAX_PAGE_BYTES, allocate: (n) => buffers.take(n) });
    if (answer.status !== 200) throw new Error(`page ${page}: HTTP ${answer.status}`);
    return answer.body;
  };

  const began = performance.now();
  const cpu = process.cpuUsage();
  const pending = new Map<number, Promise<Buffer>>();
  let next = 0;
  let bytes = 0;
  for (let page = 0; page < pages; page++) {
    for (; next < pages && next < page + PAGES_AHEAD; next++) pending.set(next, ask(next));
    const body = await pending.get(page)!;
    pending.delete(page);
    if (body[0] !== 0x7b || body[body.length - 1] !== 0x7d) throw new Error(`page ${page} is not a JSON object`);
    bytes += body.length;
    digest?.update(body);
    buffers.give(body);
  }
  const used = process.cpuUsage(cpu);
  const result: PagesResult = {
    client: client.name,
    pages,
    bytes,
    ...(digest ? { digest: digest.digest('hex') } : {}),
    ms: performance.now() - began,
    cpuMs: (used.user + used.system) / 1000,
    startupMs,
    startupCpuMs: (startupCpu.user + startupCpu.system) / 1000,
  };
  console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
}
