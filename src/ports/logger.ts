import { redact } from '../redact';

type LogFields = Record<string, string | number | boolean | undefined>;

/** Structured log sink: the timer passes the InvocationContext's, the CLI one that writes JSON lines. */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

type Level = keyof Logger;

/** A Logger that redacts every message and field before handing it to `sink`. */
export function redactingLogger(sink: (level: Level, line: string) => void): Logger {
  const write = (level: Level) => (message: string, fields?: LogFields) => {
    const line = fields ? `${message} ${JSON.stringify(fields)}` : message;
    sink(level, redact(line));
  };
  return { info: write('info'), warn: write('warn'), error: write('error') };
}

/** For a caller that reports through its own result (test-connection, verify) rather than the log. */
export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };
