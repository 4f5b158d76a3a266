import { CONNECTION_TEST_MAX_MS, STATUS_READ_TIMEOUT_MS } from '../config/defaults';
import type { Composition } from '../run/composition';
import { testConnection, type ConnectionReport } from '../connection/testConnection';
import { ensureError, errorCode, type ExportErrorCode } from '../errors';
import { redact } from '../redact';
import { readStatus, type StatusView } from '../status/statusView';

export interface JsonResponse {
  status: number;
  jsonBody: StatusView | ConnectionReport | { error: string; code?: ExportErrorCode };
}

/** GET /api/export/status: the same JSON as `audit-export status`. */
export async function statusResponse(getRoot: () => Composition): Promise<JsonResponse> {
  try {
    return { status: 200, jsonBody: await readStatus(getRoot(), { abortSignal: AbortSignal.timeout(STATUS_READ_TIMEOUT_MS) }) };
  } catch (error) {
    return failure(error);
  }
}

/** POST /api/export/test-connection: every check, in order; 200 whether or not they pass (the body says). */
export async function testConnectionResponse(getRoot: () => Composition): Promise<JsonResponse> {
  try {
    return { status: 200, jsonBody: await testConnection(getRoot, { abortSignal: AbortSignal.timeout(CONNECTION_TEST_MAX_MS) }) };
  } catch (error) {
    return failure(error);
  }
}

function failure(error: unknown): JsonResponse {
  const e = ensureError(error);
  const code = errorCode(error);
  return { status: code === 'InvalidSettings' ? 400 : 500, jsonBody: { error: redact(e.message), ...(code ? { code } : {}) } };
}
