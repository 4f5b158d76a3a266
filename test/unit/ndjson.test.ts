import { encodeBatch, encodeLine } from '../../src/batch/ndjson';

describe('NDJSON encoding', () => {
  it('writes one compact line per event, each ending in \\n, fields unchanged', () => {
    const events = [{ id: 'a', n: 1, nested: { x: [1, 2] } }, { id: 'b', text: 'line1\nline2 "quoted"' }];
    const text = encodeBatch(events).toString('utf8');
    expect(text).toBe('{"id":"a","n":1,"nested":{"x":[1,2]}}\n{"id":"b","text":"line1\\nline2 \\"quoted\\""}\n');
    expect(text.split('\n').slice(0, -1).map((l) => JSON.parse(l))).toEqual(events);
  });

  it('escapes U+2028 and U+2029 so line-splitting readers keep the record whole', () => {
    const line = encodeLine({ s: 'a\u2028b\u2029c' });
    expect(line).toBe('{"s":"a\\u2028b\\u2029c"}\n');
    expect(line.split(/[\n\u2028\u2029]/)).toHaveLength(2);
    expect(JSON.parse(line)).toEqual({ s: 'a\u2028b\u2029c' });
  });

  it('keeps non-ASCII text as UTF-8', () => {
    const bytes = encodeBatch([{ name: 'Zoë 日本語 🚀' }]);
    expect(bytes.toString('utf8')).toBe('{"name":"Zoë 日本語 🚀"}\n');
    expect(bytes.length).toBe(Buffer.byteLength('{"name":"Zoë 日本語 🚀"}\n'));
  });

  it('handles a 1 MiB event as a single line', () => {
    const big = { id: 'big', blob: 'x'.repeat(1024 * 1024) };
    const text = encodeBatch([big]).toString('utf8');
    expect(text.indexOf('\n')).toBe(text.length - 1);
    expect(JSON.parse(text)).toEqual(big);
  });

  it('refuses a value that has no JSON form', () => {
    expect(() => encodeLine(undefined)).toThrow(TypeError);
  });
});
