// `npm run -s build && node dist/bench/scan.bench.js`: scanPage against the JSON.parse + JSON.stringify path it
// replaces, on a generated page of 1000 audit events (~700 bytes each). Prints MB/s of page body; no assertions.
import { scanPage } from '../src/ndjson/pageScanner';

function makePage(events: number, pretty: boolean): Buffer {
  const hits = [];
  for (let k = 0; k < events; k++) {
    hits.push({
      id: `evt-${k.toString(16).padStart(8, '0')}-7c1e-4b8a-9f3d-${(k * 7919).toString(16).padStart(12, '0')}`,
      eventTimestamp: new Date(Date.UTC(2026, 0, 1) + k * 1000).toISOString(),
      tenantId: 'f3b1c2d4-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      actor: { type: 'user', id: `user-${k % 97}`, displayName: k % 5 ? 'Jane Doe' : 'Zoë Ångström 日本', ip: '203.0.113.42' },
      action: 'document.permissions.update',
      result: k % 11 ? 'success' : 'denied',
      target: { type: 'document', id: `doc-${k * 31}`, path: '/projects/alpha/reports/Q3 "final" summary.docx' },
      details: {
        changes: [{ field: 'role', from: 'viewer', to: 'editor' }, { field: 'expires', from: null, to: '2026-12-31' }],
        bytes: 123456 + k,
        ratio: 0.875,
        flags: [true, false],
        note: 'Granted via admin console\tby policy #42; reason: "quarterly review"',
      },
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      correlationId: `corr-${k}-a1b2c3d4e5f6`,
    });
  }
  return Buffer.from(JSON.stringify({ count: 250_000, hits }, null, pretty ? 2 : undefined));
}

// What the exporter did before: decode, parse, re-serialize each event as an NDJSON line (U+2028/9 escaped).
const SEPARATORS = /[\u2028\u2029]/g;
function parseAndStringify(body: Buffer): Buffer {
  const page = JSON.parse(body.toString('utf8')) as { hits: unknown[] };
  let text = '';
  for (const hit of page.hits) {
    const json = JSON.stringify(hit);
    text += (json.includes('\u2028') || json.includes('\u2029') ? json.replace(SEPARATORS, (c) => (c === '\u2028' ? '\\u2028' : '\\u2029')) : json) + '\n';
  }
  return Buffer.from(text, 'utf8');
}

/** Each run gets a fresh copy of the body: scanPage rewrites the bytes it is given (both sides pay the copy). */
function mbPerSecond(page: Buffer, run: (b: Buffer) => unknown): number {
  const body = () => Buffer.from(page);
  for (let k = 0; k < 20; k++) run(body()); // warm up the JIT
  let runs = 0;
  const began = process.hrtime.bigint();
  let ns = 0;
  while (ns < 2e9) {
    run(body());
    runs++;
    ns = Number(process.hrtime.bigint() - began);
  }
  return (page.length * runs) / 1e6 / (ns / 1e9);
}

for (const pretty of [false, true]) {
  const body = makePage(1000, pretty);
  const label = `${pretty ? 'pretty' : 'compact'} page, ${(body.length / 1000).toFixed(0)} KB`;
  console.log(`${label}: scanPage ${mbPerSecond(body, scanPage).toFixed(0)} MB/s, ` +
    `JSON.parse+stringify ${mbPerSecond(body, parseAndStringify).toFixed(0)} MB/s`);
}
