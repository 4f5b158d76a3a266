#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { exportConfigToEnv, parseExportConfig } from '../config/exportConfig';
import { loadSettings } from '../config/settings';
import { ensureError } from '../errors';
import { exportOnce } from '../exportOnce';
import { redactingLogger } from '../ports/logger';
import { redact } from '../redact';

const HELP = `Usage: audit-export <command> [options]

Commands:
  run [--config FILE]          export once now, from the last checkpoint up to now minus the lag;
                               settings come from app settings (environment), overlaid by FILE if given
  config validate FILE         check an export configuration file; lists every wrong field
  help                         show this help

Exit codes: 0 success, 1 the run failed, 2 bad settings, configuration or usage.
Settings are described in the README ("Settings").`;

type Io = { out: (line: string) => void; err: (line: string) => void };
const defaultIo: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

/** The CLI as a function, so tests can call it with their own environment and output. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: Io = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { config: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    io.err(`audit-export: ${ensureError(error).message}\n\n${HELP}`);
    return 2;
  }
  const [command, sub, file] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === 'help') {
    io.out(HELP);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  try {
    if (command === 'run') return await run(parsed.values.config, env, io);
    if (command === 'config' && sub === 'validate' && file) {
      parseExportConfig(await readFile(file, 'utf8'), file);
      io.out(`${file}: valid`);
      return 0;
    }
    io.err(`audit-export: unknown command "${[command, sub].filter(Boolean).join(' ')}"\n\n${HELP}`);
    return 2;
  } catch (error) {
    const e = ensureError(error);
    io.err(`audit-export: ${redact(e.message)}`);
    const code = (e as { code?: string }).code;
    return code === 'InvalidSettings' || code === 'InvalidExportConfig' || code === 'ENOENT' ? 2 : 1;
  }
}

async function run(configFile: string | undefined, env: Record<string, string | undefined>, io: Io): Promise<number> {
  const fromFile = configFile ? exportConfigToEnv(parseExportConfig(await readFile(configFile, 'utf8'), configFile)) : {};
  const settings = loadSettings({ ...env, ...fromFile });
  const logger = redactingLogger((level, line) => (level === 'info' ? io.out(line) : io.err(`${level === 'warn' ? 'warning' : 'error'}: ${line}`)));
  const controller = new AbortController();
  const onSignal = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal);
  try {
    const summary = await exportOnce(settings, { logger, abortSignal: controller.signal });
    io.out(JSON.stringify(summary));
    return 0;
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
