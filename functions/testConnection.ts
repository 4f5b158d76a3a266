import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { testConnectionResponse } from '../src/host/httpHandlers';
import { workerComposition } from '../src/host/workerComposition';

export async function testConnection(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return testConnectionResponse(workerComposition);
}

app.http('testConnection', { route: 'export/test-connection', methods: ['POST'], authLevel: 'function', handler: testConnection });
