import { RestError, type PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * Gives every try its own time-out through the pipeline's `request.timeout`, for SDK clients whose retry options
 * have none (Key Vault). A try that times out is a RestError with code ETIMEDOUT, which the SDK's retry policy
 * retries like any dropped connection; the message holds no URL.
 */
export function tryTimeoutPolicy(timeoutMs: number): PipelinePolicy {
  return {
    name: 'exporterTryTimeoutPolicy',
    async sendRequest(request, next) {
      request.timeout = timeoutMs;
      try {
        return await next(request);
      } catch (error) {
        // The Node client aborts a try at its time-out; only the caller's own abort is left as it is.
        if ((error as Error)?.name !== 'AbortError' || request.abortSignal?.aborted) throw error;
        throw new RestError(`no answer within ${timeoutMs / 1000} s`, { code: 'ETIMEDOUT' });
      }
    },
  };
}
