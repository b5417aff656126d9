import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
import { prettyFactory } from 'pino-pretty';
export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;
/** JSON lines (for machines and log shippers) or colored text (for a person at a terminal). */
export type LogFormat = 'json' | 'text';

/** Where log lines go; a writable stream in production, an array in tests. */
export interface LogSink {
  write(line: string): void;
}

export interface LoggerOptions {
  level: LogLevel;
  /** Applied to every serialized line before it is written, so no token reaches a log (a `Redactor`, or one wrapped). */
  redact: (line: string) => string;
  sink?: LogSink;
  name?: string;
  /** Default json; text is rendered by pino-pretty after redaction. */
  format?: LogFormat;
}

/** A logger whose every line passes through the redactor on its way out, then is written as JSON or text. */
export function createLogger({ level, redact, sink = process.stderr, name = 'director', format = 'json' }: LoggerOptions): Logger {
  const pretty =
    format === 'text'
      ? prettyFactory({ colorize: sink === process.stderr && process.stderr.isTTY, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name' })
      : undefined;
  const destination = { write: (line: string) => sink.write(pretty ? pretty(redact(line)) : redact(line)) };
  return pino({ level, name, base: { name } }, destination);
}
