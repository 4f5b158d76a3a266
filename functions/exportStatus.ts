import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { statusResponse } from '../src/host/httpHandlers';
import { workerComposition } from '../src/host/workerComposition';

export async function exportStatus(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return statusResponse(workerComposition);
}

app.http('exportStatus', { route: 'export/status', methods: ['GET'], authLevel: 'function', handler: exportStatus });
