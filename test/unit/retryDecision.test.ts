import { ExportError } from '../../src/errors';
import { parseRetryAfter, retryDelay } from '../../src/retry/retryDecision';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 5000 };
const retryable = (after?: number) => new ExportError('AuditApiError', 'the audit API answered HTTP 503', { kind: 'retryable', retryAfterSeconds: after });

describe('retryDelay', () => {
  it('backs off exponentially with full jitter, up to the attempt limit', () => {
    expect(retryDelay(1, retryable(), policy, () => 1)).toBe(100);
    expect(retryDelay(2, retryable(), policy, () => 1)).toBe(200);
    expect(retryDelay(3, retryable(), policy, () => 0.5)).toBe(200);
    expect(retryDelay(4, retryable(), policy, () => 1)).toBeUndefined();
  });
  it('honours Retry-After before its own backoff, whole: never sooner than the peer asked', () => {
    expect(retryDelay(1, retryable(2), policy)).toBe(2000);
    expect(retryDelay(1, retryable(60), policy)).toBe(60_000);
  });
  it('a Retry-After of 0 (or a date past, read as 0) never shortens the backoff; a longer one lengthens it', () => {
    const past = parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', new Date('2026-01-01T00:00:00Z'));
    expect(past).toBe(0);
    expect([1, 2, 3].map((n) => retryDelay(n, retryable(0), policy, () => 1))).toEqual([100, 200, 400]);
    expect([1, 2, 3].map((n) => retryDelay(n, retryable(past), policy, () => 0.5))).toEqual([50, 100, 200]);
    expect(retryDelay(3, retryable(1), policy, () => 0.1)).toBe(1000);
    expect(retryDelay(4, retryable(0), policy, () => 1)).toBeUndefined();
  });
  it('never retries permanent errors, conflicts or foreign errors', () => {
    expect(retryDelay(1, new ExportError('AuditApiKeyRejected', 'the audit API refused the API key (HTTP 401)', { kind: 'permanent' }), policy)).toBeUndefined();
    expect(retryDelay(1, new ExportError('CheckpointConflict', 'the checkpoint was changed by another run', { kind: 'conflict' }), policy)).toBeUndefined();
    expect(retryDelay(1, new Error('boom'), policy)).toBeUndefined();
  });
});

describe('parseRetryAfter', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reads delta-seconds and HTTP dates', () => {
    expect(parseRetryAfter('7', now)).toBe(7);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now)).toBe(30);
    expect(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now)).toBe(0);
  });
  it('ignores what it cannot read', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter('soon', now)).toBeUndefined();
  });
});
