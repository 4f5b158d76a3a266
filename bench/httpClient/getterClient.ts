// Variant (a): today's client, src/adapters/auditApi/httpGet.ts, as httpAuditSource uses it.
import { HttpGetter } from '../../src/adapters/auditApi/httpGet';
import type { BenchClient } from './client';

export function getterClient(): BenchClient {
  const getter = new HttpGetter();
  return {
    name: 'HttpGetter',
    async get(url, headers, options) {
      const answer = await getter.get(url, headers, options);
      return {
        status: answer.status,
        header: (name) => {
          const value = answer.headers[name];
          return Array.isArray(value) ? value.join(', ') : value;
        },
        body: answer.body,
      };
    },
  };
}
