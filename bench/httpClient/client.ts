// What the audit API client benchmark asks of each HTTP client: one GET, its status, a header, and the 2xx body.
import type { HttpGetOptions } from '../../src/adapters/auditApi/httpGet';

export interface ClientAnswer {
  status: number;
  /** A response header by its lower-case name. */
  header(name: string): string | undefined;
  /** Empty unless the status is 2xx. */
  body: Buffer;
}

export interface BenchClient {
  readonly name: string;
  get(url: URL, headers: Record<string, string>, options: HttpGetOptions): Promise<ClientAnswer>;
}
