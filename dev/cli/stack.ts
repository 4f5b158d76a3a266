// `npm run stack`: starts the local Azure stack on loopback, seeds it, prints one JSON line, runs until Ctrl-C/SIGTERM.
import { parseArgs } from 'node:util';
import { seedStack } from '../seed';
import { startStack, type StackOptions } from '../stack';

const HELP = `Usage: npm run stack -- [options]

Starts Azurite (blob), the Data Lake (dfs) gateway, a managed-identity endpoint, an HTTPS Key Vault and
a sample audit API on 127.0.0.1, creates the file system and stores a Create+Write SAS and the audit API
key in the vault, then prints one JSON line with every endpoint and stays up until Ctrl-C or SIGTERM.

Options:
  --location DIR       keep Azurite's data on disk in DIR (default: in memory)
  --blob-port N        Azurite blob port            (default: a free port)
  --dfs-port N         dfs gateway port             (default: a free port)
  --vault-port N       Key Vault port               (default: a free port)
  --identity-port N    managed-identity port        (default: a free port)
  --audit-port N       sample audit API port        (default: a free port)
  --events N           sample audit events          (default: 2000)
  --span-hours H       hours the events spread over, ending 10 minutes ago (default: 6)
  --seed N             seed of the synthetic events (default: 1)
  --file-system NAME   file system to create        (default: audit-output)
  -h, --help           show this help`;

function parse(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    options: {
      location: { type: 'string' },
      'blob-port': { type: 'string' },
      'dfs-port': { type: 'string' },
      'vault-port': { type: 'string' },
      'identity-port': { type: 'string' },
      'audit-port': { type: 'string' },
      events: { type: 'string' },
      'span-hours': { type: 'string' },
      seed: { type: 'string' },
      'file-system': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const int = (name: keyof typeof values, min: number, max: number): number | undefined => {
    const raw = values[name];
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new Error(`--${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
    }
    return n;
  };
  const spanHours = values['span-hours'] === undefined ? undefined : Number(values['span-hours']);
  if (spanHours !== undefined && !(spanHours > 0 && spanHours <= 24 * 365)) {
    throw new Error(`--span-hours must be a number of hours above 0, got "${values['span-hours']}"`);
  }
  const options: StackOptions = {
    location: values.location,
    ports: {
      blob: int('blob-port', 0, 65535),
      dfs: int('dfs-port', 0, 65535),
      vault: int('vault-port', 0, 65535),
      identity: int('identity-port', 0, 65535),
      audit: int('audit-port', 0, 65535),
    },
    audit: {
      count: int('events', 0, 100_000_000),
      seed: int('seed', 0, 2 ** 31 - 1),
      spanSeconds: spanHours === undefined ? undefined : Math.round(spanHours * 3600),
    },
  };
  return { help: values.help === true, options, fileSystem: values['file-system'] };
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(process.argv.slice(2));
  } catch (error) {
    console.error(`stack: ${(error as Error).message}\n\n${HELP}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(HELP);
    return;
  }
  const stack = await startStack(parsed.options);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1); // a second Ctrl-C does not wait
    stopping = true;
    console.error(`stack: ${signal}, stopping`);
    stack.stop().then(
      () => process.exit(0),
      (error) => {
        console.error(`stack: stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  try {
    const seeded = await seedStack(stack, { fileSystem: parsed.fileSystem });
    console.log(JSON.stringify({ ...stack.info, ...seeded, auditEvents: stack.auditApi.totalEvents }));
    console.error('stack: ready; Ctrl-C to stop');
  } catch (error) {
    console.error(`stack: seeding failed: ${(error as Error).message}`);
    await stack.stop();
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`stack: failed to start: ${(error as Error).message}`);
  process.exit(1);
});
