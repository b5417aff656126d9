import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { configError, describeProblem, parseVariables, type VariableSpec } from '../shared/config/variables.ts';
import type { ConfigSource } from '../shared/config/source.ts';
import type { LogFormat, LogLevel } from '../shared/log.ts';

const variables = {
  SLACK_BOT_TOKEN: {
    schema: z.string().regex(/^xoxb-[A-Za-z0-9-]+$/),
    secret: true,
    hint: "set it to the Bot User OAuth Token (starts with xoxb-) from your Slack app's OAuth & Permissions page, after installing the app (create the app from manifest.yml).",
  },
  SLACK_APP_TOKEN: {
    schema: z
      .string()
      .regex(/^xapp-[A-Za-z0-9-]+$/)
      .optional(),
    secret: true,
    hint: 'for Socket Mode, an app-level token (starts with xapp-) with the connections:write scope, from Basic Information → App-Level Tokens in your app settings; unset it to use HTTP mode.',
  },
  SLACK_SIGNING_SECRET: {
    schema: z
      .string()
      .regex(/^[A-Za-z0-9]{8,}$/)
      .optional(),
    secret: true,
    hint: 'HTTP mode (no SLACK_APP_TOKEN) needs the Signing Secret from Basic Information → App Credentials in your app settings; or set SLACK_APP_TOKEN to use Socket Mode.',
  },
  PORT: {
    schema: z.coerce.number().int().min(0).max(65535).default(3000),
    hint: 'the TCP port the bot listens on (Slack events in HTTP mode, runners in both modes), e.g. 3000.',
  },
  HOST: {
    schema: z.string().min(1).default('0.0.0.0'),
    hint: 'the address the bot listens on, e.g. 0.0.0.0 or 127.0.0.1.',
  },
  SLACK_API_URL: {
    schema: z
      .url({ protocol: /^https?$/ })
      .default('https://slack.com/api/')
      .transform((u) => (u.endsWith('/') ? u : `${u}/`)),
    hint: "the base URL of Slack's Web API; leave it unset for Slack's own (https://slack.com/api/).",
  },
  DIRECTOR_PUBLIC_URL: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    hint: 'the URL runners use to reach this bot (shown by /director connect), e.g. https://director.example.com; default http://localhost:<PORT>.',
  },
  DIRECTOR_HOME: {
    schema: z.string().min(1).optional(),
    hint: 'a directory for Director’s SQLite files (default ~/.config/director).',
  },
  DIRECTOR_OWNER: {
    schema: z
      .string()
      .regex(/^[UW][A-Z0-9]{2,20}$/)
      .optional(),
    hint: 'for `director local`: your Slack user id (e.g. U012AB3CD, from your Slack profile → ⋯ → Copy member ID), so its runner is yours at once; without it, claim the runner with the code it prints.',
  },
  LOG_LEVEL: {
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    hint: 'one of fatal, error, warn, info, debug, trace, silent.',
  },
  LOG_FORMAT: {
    schema: z.enum(['json', 'text']).default('json'),
    hint: 'json (JSON lines, the default when stderr is not a terminal) or text (colored lines for a person; the default on a terminal); also --log-format.',
  },
} satisfies Record<string, VariableSpec>;

/** Every variable this side reads, so a config file's unknown keys can be named. */
export const botVariableNames: readonly string[] = Object.keys(variables);

/** How Slack reaches the bot. */
export type SlackConnection = { mode: 'socket'; appToken: string } | { mode: 'http'; signingSecret: string };

/** The bot's configuration, validated once at start and passed down. */
export interface BotConfig {
  slack: { botToken: string; apiUrl: string; connection: SlackConnection };
  port: number;
  host: string;
  /** The URL runners use to reach this bot. */
  publicUrl: string;
  /** Directory of the bot's SQLite files. */
  home: string;
  logLevel: LogLevel;
  /** Default json. */
  logFormat?: LogFormat;
  /** `director local`: who owns its runner from the start (a Slack user id). */
  localOwner?: string;
}

export function parseBotConfig(source: ConfigSource, home = homedir()): BotConfig {
  const vars = parseVariables(variables, source);
  let connection: SlackConnection;
  if (vars.SLACK_APP_TOKEN) {
    connection = { mode: 'socket', appToken: vars.SLACK_APP_TOKEN };
  } else if (vars.SLACK_SIGNING_SECRET) {
    connection = { mode: 'http', signingSecret: vars.SLACK_SIGNING_SECRET };
  } else {
    throw configError([describeProblem('SLACK_SIGNING_SECRET', variables.SLACK_SIGNING_SECRET, undefined)]);
  }
  return {
    slack: { botToken: vars.SLACK_BOT_TOKEN, apiUrl: vars.SLACK_API_URL, connection },
    port: vars.PORT,
    host: vars.HOST,
    publicUrl: (vars.DIRECTOR_PUBLIC_URL ?? `http://localhost:${vars.PORT}`).replace(/\/+$/, ''),
    home: vars.DIRECTOR_HOME ?? join(home, '.config', 'director'),
    logLevel: vars.LOG_LEVEL,
    logFormat: vars.LOG_FORMAT,
    ...(vars.DIRECTOR_OWNER && { localOwner: vars.DIRECTOR_OWNER }),
  };
}

/** Secret values of a config, for the log redactor. */
export function botSecrets(config: BotConfig): string[] {
  const { connection } = config.slack;
  return [config.slack.botToken, connection.mode === 'socket' ? connection.appToken : connection.signingSecret];
}
