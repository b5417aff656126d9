import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseVariables, type VariableSpec } from '../shared/config/variables.ts';
import type { ConfigSource } from '../shared/config/source.ts';
import type { LogLevel } from '../shared/log.ts';

const variables = {
  DIRECTOR_HOME: {
    schema: z.string().min(1).optional(),
    hint: 'a directory for the runner’s token file and SQLite database (default ~/.config/director).',
  },
  RUNNER_CAPACITY: {
    schema: z.coerce.number().int().min(1).max(64).default(4),
    hint: 'how many tasks this runner runs at once, 1 to 64 (default 4).',
  },
  LINK_HEARTBEAT_MS: {
    schema: z.coerce.number().int().min(100).max(300_000).default(15_000),
    hint: 'milliseconds between link heartbeats, 100 to 300000 (default 15000); a silent bot is dropped after two.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    hint: 'one of fatal, error, warn, info, debug, trace, silent.',
  },
} satisfies Record<string, VariableSpec>;

/** The runner's configuration, validated once at start. */
export interface RunnerConfig {
  /** Directory of runner.json (the token) and runner.sqlite. */
  home: string;
  capacity: number;
  heartbeatMs: number;
  logLevel: LogLevel;
  /** Default runner name when pairing without --name. */
  defaultName: string;
}

export function parseRunnerConfig(source: ConfigSource, home = homedir(), host = hostname()): RunnerConfig {
  const vars = parseVariables(variables, source);
  return {
    home: vars.DIRECTOR_HOME ?? join(home, '.config', 'director'),
    capacity: vars.RUNNER_CAPACITY,
    heartbeatMs: vars.LINK_HEARTBEAT_MS,
    logLevel: vars.LOG_LEVEL,
    defaultName: host.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 63) || 'runner',
  };
}
