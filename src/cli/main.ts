#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CHECKPOINT_COMMAND_TIMEOUT_MS, CONNECTION_TEST_MAX_MS, STATUS_READ_TIMEOUT_MS } from '../config/defaults';
import { exportConfigToEnv, parseExportConfig } from '../config/exportConfig';
import { loadSettings } from '../config/settings';
import { ExportError, ensureError } from '../errors';
import { Composition } from '../run/composition';
import { runWithAzure } from '../run/runWithAzure';
import { redactingLogger } from '../ports/logger';
import { formatReport, testConnection } from '../connection/testConnection';
import { redact } from '../redact';
import { readStatus } from '../status/statusView';
import { azAppSettingsCommand } from './azCommand';
import { checkpointAcknowledge } from './checkpointAcknowledge';
import { checkpointReset } from './checkpointReset';
import { checkpointShow } from './checkpointShow';
import { failureExitCode, runExitCode } from './exitCodes';
import { progressPrinter } from './progress';
import { untilInterrupted } from './untilInterrupted';
import { verifyCommand } from './verifyCommand';

const HELP = `Usage: audit-export <command> [options]

Commands:
  run [--config FILE]          export once now, from the last checkpoint up to now minus the lag;
                               settings come from app settings (environment), overlaid by FILE if given
  status [--config FILE]       print the export's status as JSON (reads state only)
  test-connection [--config FILE]
                               check each link in order: settings, identity, vault, SAS, lake, state, audit API
  checkpoint show [--config FILE]
                               print the stored checkpoint as JSON, with its ETag, whether a run holds the
                               lease, and the export configuration id (reads only)
  checkpoint reset --start ISO [--yes] [--config FILE]
                               make the next run start at ISO (a time with a zone, not in the future);
                               without --yes it prints what it would replace and write, changes nothing and
                               exits 2; refused while a run holds the lease
  checkpoint acknowledge --hour ISO [--by NAME] [--config FILE]
                               accept a noticed hour's missing events as they stand (status lists the
                               hours): runs end caught-up again unless a later count finds more missing;
                               kept in the checkpoint with NAME (default user@host) and the time; takes
                               the lease like reset
  verify [--from ISO] [--to ISO] [--against-api] [--config FILE]
                               check the lake against its hour manifests and their hash chain, reading it
                               with the Read + List SAS in VERIFY_SAS_SECRET_NAME; --against-api also
                               compares each hour's count in the audit API now; one line per hour
  config validate FILE         check an export configuration file; lists every wrong field
  config env FILE [--format json|az]
                               print the app settings FILE maps to (for local.settings.json, or as an
                               \`az functionapp config appsettings set\` command)
  help                         show this help

Exit codes: 0 success, 1 the run or a check failed (verify: something differs), 2 bad settings,
configuration or usage, 3 the run caught up but the audit API counts events of some hours that the lake
does not hold, in this run or an earlier one (see "noticed" in its summary; they stay until a re-check
appends them, a count agrees, or \`checkpoint acknowledge\`).
Settings are described in the README ("Settings").`;

type Io = { out: (line: string) => void; err: (line: string) => void };
const defaultIo: Io = { out: (l) => process.stdout.write(l + '\n'), err: (l) => process.stderr.write(l + '\n') };

/** The CLI as a function of its arguments, environment and output. */
export async function main(argv: string[], env: Record<string, string | undefined> = process.env, io: Io = defaultIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        format: { type: 'string' },
        start: { type: 'string' },
        hour: { type: 'string' },
        by: { type: 'string' },
        yes: { type: 'boolean' },
        from: { type: 'string' },
        to: { type: 'string' },
        'against-api': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    io.err(`audit-export: ${ensureError(error).message}\n\n${HELP}`);
    return 2;
  }
  const [command, sub, file] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === 'help') {
    io.out(HELP);
    return command === undefined && !parsed.values.help ? 2 : 0;
  }
  if (command !== 'verify' && (parsed.values.from || parsed.values.to || parsed.values['against-api'])) {
    io.err(`audit-export: --from, --to and --against-api are options of verify\n\n${HELP}`);
    return 2;
  }
  const settingsEnv = () => withConfig(parsed.values.config, env);
  try {
    if (command === 'run') return await run(rootOf(await settingsEnv()), io);
    if (command === 'status') {
      const root = rootOf(await settingsEnv());
      io.out(JSON.stringify(await readStatus(root, { abortSignal: AbortSignal.timeout(STATUS_READ_TIMEOUT_MS) }), null, 2));
      return 0;
    }
    if (command === 'checkpoint' && (sub === 'show' || sub === 'reset' || sub === 'acknowledge') && !file) {
      const root = rootOf(await settingsEnv());
      const options = { abortSignal: AbortSignal.timeout(CHECKPOINT_COMMAND_TIMEOUT_MS) };
      if (sub === 'show') return await checkpointShow(root, io.out, options);
      if (sub === 'acknowledge') return await checkpointAcknowledge(root, { hour: parsed.values.hour, by: parsed.values.by }, io, options);
      return await checkpointReset(root, { start: parsed.values.start, yes: parsed.values.yes }, io, options);
    }
    if (command === 'test-connection') {
      const configured = await settingsEnv();
      const report = await testConnection(() => rootOf(configured), { abortSignal: AbortSignal.timeout(CONNECTION_TEST_MAX_MS) });
      io.out(formatReport(report));
      return report.connectionStatus === 'SUCCESS' ? 0 : 1;
    }
    if (command === 'verify') {
      const { from, to, 'against-api': againstApi } = parsed.values;
      return await verifyCommand({ from, to, againstApi }, await settingsEnv(), io);
    }
    if (command === 'config' && sub === 'validate' && file) {
      parseExportConfig(await readFile(file, 'utf8'), file);
      io.out(`${file}: valid`);
      return 0;
    }
    if (command === 'config' && sub === 'env' && file) {
      const settings = exportConfigToEnv(parseExportConfig(await readFile(file, 'utf8'), file));
      const format = parsed.values.format ?? 'json';
      if (format === 'json') io.out(JSON.stringify(settings, null, 2));
      else if (format === 'az') io.out(azAppSettingsCommand(settings));
      else throw new ExportError('InvalidExportConfig', `--format must be json or az, got "${format}"`, { kind: 'permanent' });
      return 0;
    }
    io.err(`audit-export: unknown command "${[command, sub].filter(Boolean).join(' ')}"\n\n${HELP}`);
    return 2;
  } catch (error) {
    io.err(`audit-export: ${redact(ensureError(error).message)}`);
    return failureExitCode(error);
  }
}

/** The environment, overlaid by the settings an export configuration file stands for. */
async function withConfig(configFile: string | undefined, env: Record<string, string | undefined>): Promise<Record<string, string | undefined>> {
  return configFile ? { ...env, ...exportConfigToEnv(parseExportConfig(await readFile(configFile, 'utf8'), configFile)) } : env;
}

/** What every command that reaches Azure builds from its settings; bad settings throw here (exit 2). */
const rootOf = (settingsEnv: Record<string, string | undefined>): Composition => new Composition(loadSettings(settingsEnv));

async function run(root: Composition, io: Io): Promise<number> {
  const logger = redactingLogger((level, line) => (level === 'info' ? io.out(line) : io.err(`${level === 'warn' ? 'warning' : 'error'}: ${line}`)));
  return untilInterrupted(async (abortSignal) => {
    const summary = await runWithAzure(root, { logger, abortSignal, onProgress: progressPrinter(io.err) });
    io.out(JSON.stringify(summary));
    return runExitCode(summary);
  });
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => process.exit(code));
}
