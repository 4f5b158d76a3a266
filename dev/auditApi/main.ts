// Runs the sample audit API on its own: node dist/dev/auditApi/main.js [--count N] [--start ISO]
//   [--span-seconds S] [--seed N] [--port P]. The key comes from AUDIT_API_KEY (never printed).
// Defaults: 10,000 events over the 24 hours before start-up, port 0 (any free one).
import { parseArgs } from 'node:util';
import { startAuditApi } from './index';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '10000' },
      start: { type: 'string' },
      'span-seconds': { type: 'string', default: '86400' },
      seed: { type: 'string', default: '1' },
      port: { type: 'string', default: '0' },
    },
  });
  const apiKey = process.env.AUDIT_API_KEY;
  if (!apiKey) throw new Error('set AUDIT_API_KEY to the key clients must send');
  const spanSeconds = Number(values['span-seconds']);
  const start = values.start ? new Date(values.start) : new Date(Date.now() - spanSeconds * 1000);
  const api = await startAuditApi({
    events: { count: Number(values.count), start, spanSeconds, seed: Number(values.seed) },
    apiKey,
    port: Number(values.port),
  });
  console.log(`sample audit API: ${api.url}/audit (${api.totalEvents} events from ${start.toISOString()}; key from AUDIT_API_KEY)`);
  const stop = () => void api.stop().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
