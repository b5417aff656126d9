import { pino, type Logger as PinoLogger, type LevelWithSilent } from 'pino';
export type Logger = PinoLogger;
export type LogLevel = LevelWithSilent;

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
}

/** A JSON logger whose every line passes through the redactor on its way out. */
export function createLogger({ level, redact, sink = process.stderr, name = 'director' }: LoggerOptions): Logger {
  const destination = { write: (line: string) => sink.write(redact(line)) };
  return pino({ level, name, base: { name } }, destination);
}
