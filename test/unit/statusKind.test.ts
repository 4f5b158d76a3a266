import { statusKind } from '../../src/retry/statusKind';

describe('statusKind', () => {
  it('retries a timeout, throttling and every server error (Azure names 408, 429, 500, 502, 503, 504)', () => {
    for (const status of [408, 429, 500, 501, 502, 503, 504, 507, 599]) expect([status, statusKind(status)]).toEqual([status, 'retryable']);
  });
  it('does not retry any other refusal: asking again gets the same answer', () => {
    for (const status of [400, 401, 403, 404, 405, 409, 410, 412, 413, 416, 422, 499]) expect([status, statusKind(status)]).toEqual([status, 'permanent']);
  });
});
