import { readFile } from 'node:fs/promises';
import { parseExportConfig } from '../../src/config/exportConfig';
import { parseNcrontab } from '../../src/config/ncrontab';
import { loadSettings } from '../../src/config/settings';
import { ExportError, errorCode, hasCode } from '../../src/errors';
import { scanPage } from '../../src/ndjson/pageScanner';

const thrown = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
};

describe('errorCode', () => {
  it('reads the code of every error of ours that has one', async () => {
    expect(errorCode(new ExportError('LeaseLost', 'lost', { kind: 'conflict' }))).toBe('LeaseLost');
    expect(errorCode(await thrown(() => loadSettings({})))).toBe('InvalidSettings');
    expect(errorCode(await thrown(() => parseExportConfig('{}', 'cfg.json')))).toBe('InvalidExportConfig');
    expect(errorCode(await thrown(() => parseNcrontab('0 0 * *')))).toBe('InvalidSchedule');
    expect(errorCode(await thrown(() => scanPage(Buffer.from('{"count": 1, "hits": [}'), 'eventTimestamp')))).toBe('InvalidPage');
  });

  it('reads none from what is not ours, though it may carry a `code` of its own', async () => {
    expect(errorCode(await thrown(() => readFile('/nonexistent/audit-export.json')))).toBeUndefined(); // 'ENOENT'
    expect(errorCode(new DOMException('The operation was aborted due to timeout', 'TimeoutError'))).toBeUndefined(); // 23
    expect(errorCode(Object.assign(new Error('x'), { code: 'LeaseLost' }))).toBeUndefined();
    expect(errorCode('LeaseLost')).toBeUndefined();
    expect(errorCode(undefined)).toBeUndefined();
    expect(errorCode(null)).toBeUndefined();
  });

  it('takes only the codes the exporter emits (the build fails if the union widens to string)', () => {
    // @ts-expect-error 'StorageUnavailable' is not an ExportErrorCode: nothing emits it.
    const fake = new ExportError('StorageUnavailable', 'x', { kind: 'retryable' });
    expect(errorCode(fake)).toBe('StorageUnavailable');
  });
});

describe('hasCode', () => {
  const lost = new ExportError('LeaseLost', 'lost', { kind: 'conflict' });

  it('is true for an ExportError with one of the codes asked for, and false for any other code', () => {
    expect(hasCode(lost, 'LeaseLost')).toBe(true);
    expect(hasCode(lost, 'PathNotFound', 'LeaseLost')).toBe(true);
    expect(hasCode(lost, 'PathNotFound', 'ChangedWhileRead')).toBe(false);
    expect(hasCode(lost)).toBe(false);
  });

  it('is false for what is not ours, whatever `code` it carries', () => {
    expect(hasCode(Object.assign(new Error('x'), { code: 'LeaseLost' }), 'LeaseLost')).toBe(false);
    expect(hasCode({ code: 'LeaseLost' }, 'LeaseLost')).toBe(false);
    expect(hasCode(undefined, 'LeaseLost')).toBe(false);
  });

  it('narrows to the codes asked for, and takes no code nothing emits', () => {
    const error: unknown = lost;
    if (!hasCode(error, 'LeaseLost', 'AnotherRunActive')) throw new Error('expected LeaseLost');
    const code: 'LeaseLost' | 'AnotherRunActive' = error.code;
    expect(code).toBe('LeaseLost');
    // @ts-expect-error 'StorageUnavailable' is not an ExportErrorCode.
    expect(hasCode(lost, 'StorageUnavailable')).toBe(false);
  });
});
