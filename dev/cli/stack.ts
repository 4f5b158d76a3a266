// `npm run stack`: starts the local Azure stack on loopback, seeds it, prints one JSON line, runs until Ctrl-C/SIGTERM.
import { seedStack } from '../seed';
import { startStack } from '../stack';
import { HELP, parseStackArgs } from './stackArgs';

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseStackArgs>;
  try {
    parsed = parseStackArgs(process.argv.slice(2));
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
