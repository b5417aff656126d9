import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DirectorError } from '../errors.ts';

type Options = NonNullable<ParseArgsConfig['options']>;

/** What a subcommand's arguments say: show its help, or run with these values. */
export type CommandArgs<T extends Options> =
  { help: true } | { help: false; values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; strict: true }>>['values']; positionals: string[] };

export function usageError(message: string, usage: string): DirectorError {
  return new DirectorError('usage', `${message}\n\n${usage}`);
}

/**
 * Parses a subcommand's arguments strictly. `-h`/`--help` anywhere means help and nothing runs;
 * an unknown option, a missing value or too many arguments is a usage error (exit 2).
 */
export function commandArgs<T extends Options>(
  args: readonly string[],
  spec: { options: T; usage: string; positionals?: { min?: number; max?: number } },
): CommandArgs<T> {
  if (args.includes('--help') || args.includes('-h')) return { help: true };
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error), spec.usage);
  }
  const { min = 0, max = 0 } = spec.positionals ?? {};
  if (parsed.positionals.length < min) throw usageError('missing argument', spec.usage);
  if (parsed.positionals.length > max) throw usageError(`unexpected argument "${parsed.positionals[max] ?? ''}"`, spec.usage);
  return { help: false, values: parsed.values, positionals: parsed.positionals };
}
