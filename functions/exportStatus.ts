import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from '@azure/functions';
import { settingsAtStartup } from '../src/config/startupSettings';
import { statusResponse } from '../src/host/httpHandlers';

const settings = settingsAtStartup();

export async function exportStatus(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  return statusResponse(settings);
}

app.http('exportStatus', { route: 'export/status', methods: ['GET'], authLevel: 'function', handler: exportStatus });
