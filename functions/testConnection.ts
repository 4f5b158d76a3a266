import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { testConnectionResponse } from '../src/host/httpHandlers';

export async function testConnection(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return testConnectionResponse(process.env);
}

app.http('testConnection', { route: 'export/test-connection', methods: ['POST'], authLevel: 'function', handler: testConnection });
