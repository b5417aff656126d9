import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DirectorError } from '../errors.ts';
import { configError } from './variables.ts';
import { unknownKeyProblems } from './unknown-keys.ts';

/** Raw configuration values by variable name, before validation. */
export type ConfigSource = Record<string, unknown>;

const fileSchema = z.record(z.string(), z.unknown());

export interface ReadSourceOptions {
  env: NodeJS.ProcessEnv;
  /** Reads a file as UTF-8; passed in so tests need no real file. */
  readFile?: (path: string) => string;
  /** Every variable name some part of Director reads; a file key outside it stops the start, naming the closest. */
  known?: readonly string[];
}

/**
 * Collects configuration from an optional JSON file named by DIRECTOR_CONFIG (keys are the same
 * variable names as the environment) and the environment, which wins. Empty strings count as unset.
 */
export function readConfigSource({ env, readFile = (p) => readFileSync(p, 'utf8'), known }: ReadSourceOptions): ConfigSource {
  const source: ConfigSource = {};
  const file = env.DIRECTOR_CONFIG;
  if (file) {
    const values = readConfigFile(file, readFile);
    const unknown = known ? unknownKeyProblems(Object.keys(values), known, file) : [];
    if (unknown.length > 0) throw configError(unknown);
    Object.assign(source, values);
  }
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') source[name] = value;
  }
  return source;
}

function readConfigFile(file: string, readFile: (path: string) => string): ConfigSource {
  let text: string;
  try {
    text = readFile(file);
  } catch (cause) {
    throw new DirectorError('config_file_unreadable', `DIRECTOR_CONFIG points at ${file}, which cannot be read: fix the path or unset DIRECTOR_CONFIG.`, {
      cause,
    });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new DirectorError(
      'config_file_unreadable',
      `${file} (DIRECTOR_CONFIG) is not valid JSON: it must be one object whose keys are variable names, e.g. {"PORT": 3000}.`,
      { cause },
    );
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) {
    throw new DirectorError(
      'config_file_unreadable',
      `${file} (DIRECTOR_CONFIG) must hold one JSON object whose keys are variable names, e.g. {"PORT": 3000}.`,
    );
  }
  return Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== null && v !== ''));
}
