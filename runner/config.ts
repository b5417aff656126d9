import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { configError, parseVariables, type VariableSpec } from '../shared/config/variables.ts';
import type { ConfigSource } from '../shared/config/source.ts';
import type { LogFormat, LogLevel } from '../shared/log.ts';
import { verifyNameSchema } from '../shared/protocol.ts';
import { splitCommand } from './verify/detect.ts';

/** JSON in an environment variable, or already structured in the config file. */
const json = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);

/** A project this runner serves: a GitHub repository and a local clone of it. */
export const projectSchema = z.object({
  /** Short name used in Slack and paths. */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/),
  /** owner/name on GitHub. */
  repo: z.string().regex(/^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/),
  /** The local clone; the user's own checkout is fine, it is never modified. */
  path: z.string().min(1),
  defaultBranch: z.string().min(1).default('main'),
  /** Remote to fetch before each task; null for a local-only repository. */
  remote: z.string().min(1).nullable().default('origin'),
  /** How to verify work, e.g. `npm test`; detected from the repository when neither it nor `verify` is set. */
  testCommand: z.string().min(1).optional(),
  /** Named verification commands a channel may choose, e.g. {"unit": "npm test", "full": "npm run test:all"}. */
  verifyCommands: z.record(z.string(), z.string().min(1)).optional(),
  /** The name, among `verifyCommands`, of the default one (instead of `testCommand`). */
  verify: z.string().optional(),
  /** Agent used when a command names none. */
  agent: z.string().optional(),
  /** Merges approved in Slack: `false` refuses them all; after one, the remote branch and the worktree go unless told to stay. */
  merge: z.union([z.literal(false), z.object({ deleteBranch: z.boolean().default(true), removeWorktree: z.boolean().default(true) })]).optional(),
  /** The Sentry project's slug (or numeric id) whose errors `fix sentry errors` lists. */
  sentryProject: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/)
    .optional(),
});

/** Commands are split into argv without a shell: one that cannot be split is refused at start. */
function commandProblem(command: string): string | undefined {
  try {
    return splitCommand(command).length === 0 ? 'is empty' : undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** A project's verification settings, checked together, each problem naming the fix. */
export const checkedProjectSchema = projectSchema.superRefine((project, ctx) => {
  const problem = (message: string) => ctx.addIssue({ code: 'custom', message: `project "${project.name}": ${message}` });
  const named = project.verifyCommands ?? {};
  for (const [name, command] of Object.entries(named)) {
    if (!verifyNameSchema.safeParse(name).success)
      problem(`the verify command name "${name}" is not valid: use 1 to 32 lowercase letters, digits, "_" or "-", starting with a letter or digit`);
    const wrong = commandProblem(command);
    if (wrong) problem(`verifyCommands.${name} (${command}): ${wrong}`);
  }
  const wrongTest = project.testCommand === undefined ? undefined : commandProblem(project.testCommand);
  if (wrongTest) problem(`testCommand (${project.testCommand}): ${wrongTest}`);
  if (project.verify === undefined) return;
  if (project.testCommand !== undefined) problem('give "verify" (the name of the default among verifyCommands) or "testCommand", not both');
  if (!Object.hasOwn(named, project.verify)) {
    const names = Object.keys(named);
    problem(
      `"verify" names "${project.verify}", which is not among its verifyCommands (${names.length > 0 ? names.join(', ') : 'none'}): add it there or name one of them`,
    );
  }
});
export type ProjectConfig = z.infer<typeof projectSchema>;

/** Every verification command a project configures (claude may run exactly these). */
export function verifyCommandsOf(project: ProjectConfig): string[] {
  const all = [project.testCommand, ...Object.values(project.verifyCommands ?? {})];
  return [...new Set(all.filter((command) => command !== undefined))];
}

/** The command that verifies a project's tasks when the channel names none; undefined to detect one. */
export function defaultVerifyCommand(project: ProjectConfig): string | undefined {
  return project.verify === undefined ? project.testCommand : project.verifyCommands?.[project.verify];
}

/** The agents the runner has a driver for (each needs one in agents/registry.ts). */
export const agentKindSchema = z.enum(['codex', 'claude', 'command']);
export type AgentKind = z.infer<typeof agentKindSchema>;

/** How to run one agent. */
export const agentSchema = z
  .object({
    kind: agentKindSchema,
    /** The executable (default `codex` / `claude` on PATH; required for `command`). */
    command: z.string().min(1).optional(),
    /** Extra arguments, e.g. `-m`, a model, or `-c` overrides. */
    args: z.array(z.string()).default([]),
    /** Extra environment for the agent only. */
    env: z.record(z.string(), z.string()).default({}),
    /** `command` agents: the prompt as the last argument or on stdin. */
    input: z.enum(['arg', 'stdin']).default('arg'),
  })
  .refine((agent) => agent.kind !== 'command' || agent.command !== undefined, { message: 'a command agent needs "command"' });
export type AgentConfig = z.infer<typeof agentSchema>;

/** Who writes the summaries' paragraph on where a task stands; the facts are always deterministic. */
export const summariserSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('deterministic') }),
  /** One of the configured agents, run in a scratch directory. */
  z.object({ kind: z.literal('agent'), agent: z.string().min(1), timeoutMs: z.number().int().min(1000).max(600_000).default(60_000) }),
  /** An OpenAI-compatible chat completions endpoint; the key is read from the named environment variable. */
  z.object({
    kind: z.literal('openai'),
    baseUrl: z.url({ protocol: /^https?$/ }),
    model: z.string().min(1),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Z_][A-Z0-9_]*$/)
      .optional(),
    timeoutMs: z.number().int().min(1000).max(600_000).default(20_000),
  }),
]);
export type SummariserConfig = z.infer<typeof summariserSchema>;

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
  PROJECTS: {
    schema: json(z.array(checkedProjectSchema)).default([]),
    hint: 'a JSON list of projects, e.g. [{"name":"web","repo":"acme/web","path":"/home/me/web","verifyCommands":{"unit":"npm test","full":"npm run test:all"},"verify":"unit"}] (best kept in the DIRECTOR_CONFIG file).',
  },
  AGENTS: {
    schema: json(z.record(z.string().regex(/^[a-z0-9_-]+$/), agentSchema)).default({}),
    hint: 'a JSON object of agents by name, e.g. {"codex":{"kind":"codex","args":["-m","gpt-5.5"]}}; codex and claude exist by default.',
  },
  AGENT_ENV_ALLOW: {
    schema: json(z.array(z.string())).default([]),
    hint: 'a JSON list of secret-looking variable names agents may still see, e.g. ["NPM_TOKEN"].',
  },
  AGENT_SANDBOX: {
    schema: z.enum(['bubblewrap', 'off']).default('bubblewrap'),
    hint: 'bubblewrap (default: every agent and test run in a bubblewrap sandbox) or off (agents run unsandboxed, said in runner status and the log; only on purpose).',
  },
  AGENT_SANDBOX_BWRAP: {
    schema: z.string().min(1).default('bwrap'),
    hint: 'the bubblewrap binary, a path or a name on PATH (default bwrap).',
  },
  TASK_TIME_LIMIT_MIN: {
    schema: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 60)
      .default(60),
    hint: 'minutes an agent turn may run before it is stopped, 1 to 1440 (default 60).',
  },
  AGENT_GRACE_MS: {
    schema: z.coerce.number().int().min(100).max(120_000).default(10_000),
    hint: 'milliseconds between SIGTERM and SIGKILL when stopping an agent (default 10000).',
  },
  GITHUB_TOKEN: {
    schema: z.string().min(20).optional(),
    secret: true,
    hint: 'a GitHub token (fine-grained: contents and pull requests read/write, issues read) used by the runner, never by agents, to push branches and open draft PRs.',
  },
  GITHUB_API_URL: {
    schema: z.url({ protocol: /^https?$/ }).default('https://api.github.com'),
    hint: 'the GitHub REST API base; leave unset for github.com (GitHub Enterprise: https://<host>/api/v3).',
  },
  GITHUB_URL: {
    schema: z.url({ protocol: /^https?$/ }).default('https://github.com'),
    hint: 'where repositories are pushed: https://github.com, or your GitHub Enterprise host.',
  },
  SENTRY_URL: {
    schema: z.url({ protocol: /^https?$/ }).default('https://sentry.io'),
    hint: 'the Sentry web address: https://sentry.io (default), a regional host such as https://us.sentry.io, or your self-hosted Sentry.',
  },
  SENTRY_ORG: {
    schema: z
      .string()
      .regex(/^[a-z0-9][a-z0-9_-]{0,49}$/)
      .optional(),
    hint: 'the Sentry organization’s slug (as in https://sentry.io/organizations/<slug>/), for `fix sentry errors`.',
  },
  SENTRY_AUTH_TOKEN: {
    schema: z.string().min(20).optional(),
    secret: true,
    hint: 'a Sentry auth token with the event:read and project:read scopes (Settings → Auth Tokens), used by the runner only, never by agents.',
  },
  DIRECTOR_GIT_NAME: {
    schema: z.string().min(1).default('Director'),
    hint: 'the author name of the runner’s commits.',
  },
  DIRECTOR_GIT_EMAIL: {
    schema: z.email().default('director@users.noreply.github.com'),
    hint: 'the author email of the runner’s commits.',
  },
  FIXUP_TURNS: {
    schema: z.coerce.number().int().min(0).max(10).default(2),
    hint: 'how many turns the agent gets to fix failing tests before the task fails, 0 to 10 (default 2).',
  },
  VERIFY_TIME_LIMIT_MIN: {
    schema: z.coerce.number().int().min(1).max(240).default(20),
    hint: 'minutes the project’s tests may run, 1 to 240 (default 20).',
  },
  EVENT_RETENTION_DAYS: {
    schema: z.coerce.number().int().min(0).max(3650).default(14),
    hint: 'days the raw events of a finished task are kept (its summary is kept for good), 0 to 3650; 0 keeps them forever (default 14).',
  },
  SUMMARY_BUDGET_BYTES: {
    schema: z.coerce.number().int().min(1024).max(65_536).default(8192),
    hint: 'the size budget of each task’s summary in bytes, 1024 to 65536 (default 8192).',
  },
  SUMMARISER: {
    schema: json(summariserSchema).default({ kind: 'deterministic' }),
    hint: 'how task summaries get their "where it stands" paragraph: {"kind":"deterministic"} (default), {"kind":"agent","agent":"codex"}, or {"kind":"openai","baseUrl":"https://…/v1","model":"…","apiKeyEnv":"SUMMARISER_API_KEY"}; any failure falls back to the deterministic summary.',
  },
  REVIEW_BOTS: {
    schema: json(z.array(z.string().min(1).max(100))).default([]),
    hint: 'a JSON list of review bots whose PR comments the agent addresses besides people with write access, e.g. ["cursor[bot]","chatgpt-codex-connector[bot]","copilot-pull-request-reviewer[bot]"].',
  },
  FEEDBACK_POLL_SECONDS: {
    schema: z.coerce.number().int().min(5).max(3600).default(60),
    hint: 'seconds between looks at open PRs for review comments and failing checks, 5 to 3600 (default 60).',
  },
  FEEDBACK_ROUNDS: {
    schema: z.coerce.number().int().min(0).max(20).default(3),
    hint: 'automatic rounds of addressing PR feedback per PR before the thread asks its starter, 0 to 20 (default 3).',
  },
  POSTHOG_HOST: {
    schema: z.url({ protocol: /^https?$/ }).optional(),
    hint: 'your PostHog, e.g. https://us.posthog.com or https://eu.posthog.com (or your own host), for feature reports.',
  },
  POSTHOG_PROJECT_ID: {
    schema: z.coerce.number().int().positive().optional(),
    hint: 'the numeric id of the PostHog project reports read (in its URL: /project/<id>).',
  },
  POSTHOG_PERSONAL_API_KEY: {
    schema: z.string().min(10).optional(),
    secret: true,
    hint: 'a PostHog personal API key (phx_…) with the query:read scope; it never leaves this machine.',
  },
  POSTHOG_CAPTURE: {
    schema: z.enum(['0', '1']).default('0'),
    hint: '1 to send director_task_started, director_pr_opened and director_pr_merged to PostHog (needs POSTHOG_HOST and POSTHOG_PROJECT_API_KEY); 0 (default) sends nothing.',
  },
  POSTHOG_PROJECT_API_KEY: {
    schema: z.string().min(10).optional(),
    secret: true,
    hint: 'the PostHog project API key (phc_…) Director’s own events are captured with (POSTHOG_CAPTURE=1).',
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
export const runnerVariableNames: readonly string[] = Object.keys(variables);

/** The runner's configuration, validated once at start. */
export interface RunnerConfig {
  /** Directory of runner.json (the token) and runner.sqlite. */
  home: string;
  capacity: number;
  heartbeatMs: number;
  logLevel: LogLevel;
  /** Default json. */
  logFormat?: LogFormat;
  /** Default runner name when pairing without --name. */
  defaultName: string;
  projects: ProjectConfig[];
  /** Configured agents; codex and claude are added unless configured. */
  agents: Record<string, AgentConfig>;
  /** The agents named in AGENTS: only these are known to be set up (the default reviewer of another vendor must be one). */
  listedAgents: string[];
  agentEnvAllow: string[];
  /** How agents are confined; `off` only when set on purpose. */
  sandbox: { mode: 'bubblewrap' | 'off'; bwrap: string };
  timeLimitMs: number;
  graceMs: number;
  github: { token?: string; apiUrl: string; url: string };
  /** Sentry access for `fix sentry errors`: without org and token the runner says what to set. */
  sentry: { url: string; org?: string; token?: string };
  gitIdentity: { name: string; email: string };
  fixupTurns: number;
  verifyTimeLimitMs: number;
  /** Raw events of settled tasks older than this are deleted; 0 keeps them. */
  eventRetentionMs: number;
  summaryBudget: number;
  summariser: SummariserConfig;
  /** The PR feedback loop: review bots that count, the poll interval, rounds per PR. */
  feedback: { reviewBots: string[]; pollMs: number; maxRounds: number };
  /** PostHog: where reports read (all three set) and whether Director's own events are captured. */
  posthog: {
    query?: { host: string; projectId: number; apiKey: string };
    capture?: { host: string; projectKey: string };
  };
}

export function parseRunnerConfig(source: ConfigSource, home = homedir(), host = hostname()): RunnerConfig {
  const vars = parseVariables(variables, source);
  return {
    home: vars.DIRECTOR_HOME ?? join(home, '.config', 'director'),
    capacity: vars.RUNNER_CAPACITY,
    heartbeatMs: vars.LINK_HEARTBEAT_MS,
    logLevel: vars.LOG_LEVEL,
    logFormat: vars.LOG_FORMAT,
    projects: vars.PROJECTS,
    agents: { codex: agentSchema.parse({ kind: 'codex' }), claude: agentSchema.parse({ kind: 'claude' }), ...vars.AGENTS },
    listedAgents: Object.keys(vars.AGENTS),
    agentEnvAllow: vars.AGENT_ENV_ALLOW,
    sandbox: { mode: vars.AGENT_SANDBOX, bwrap: vars.AGENT_SANDBOX_BWRAP },
    timeLimitMs: vars.TASK_TIME_LIMIT_MIN * 60_000,
    graceMs: vars.AGENT_GRACE_MS,
    github: {
      ...(vars.GITHUB_TOKEN && { token: vars.GITHUB_TOKEN }),
      apiUrl: vars.GITHUB_API_URL.replace(/\/+$/, ''),
      url: vars.GITHUB_URL.replace(/\/+$/, ''),
    },
    sentry: {
      url: vars.SENTRY_URL.replace(/\/+$/, ''),
      ...(vars.SENTRY_ORG && { org: vars.SENTRY_ORG }),
      ...(vars.SENTRY_AUTH_TOKEN && { token: vars.SENTRY_AUTH_TOKEN }),
    },
    gitIdentity: { name: vars.DIRECTOR_GIT_NAME, email: vars.DIRECTOR_GIT_EMAIL },
    fixupTurns: vars.FIXUP_TURNS,
    verifyTimeLimitMs: vars.VERIFY_TIME_LIMIT_MIN * 60_000,
    eventRetentionMs: vars.EVENT_RETENTION_DAYS * 24 * 60 * 60_000,
    summaryBudget: vars.SUMMARY_BUDGET_BYTES,
    summariser: vars.SUMMARISER,
    feedback: { reviewBots: vars.REVIEW_BOTS, pollMs: vars.FEEDBACK_POLL_SECONDS * 1000, maxRounds: vars.FEEDBACK_ROUNDS },
    posthog: posthogConfig(vars),
    defaultName:
      host
        .replace(/[^A-Za-z0-9._-]/g, '-')
        .replace(/^[^A-Za-z0-9]+/, '')
        .slice(0, 63) || 'runner',
  };
}

/** The PostHog settings: reads need host, project and personal key; capture needs POSTHOG_CAPTURE=1, host and project key. */
function posthogConfig(vars: {
  POSTHOG_HOST?: string | undefined;
  POSTHOG_PROJECT_ID?: number | undefined;
  POSTHOG_PERSONAL_API_KEY?: string | undefined;
  POSTHOG_CAPTURE: '0' | '1';
  POSTHOG_PROJECT_API_KEY?: string | undefined;
}): RunnerConfig['posthog'] {
  const host = vars.POSTHOG_HOST?.replace(/\/+$/, '');
  const missing = [!host && 'POSTHOG_HOST', !vars.POSTHOG_PROJECT_API_KEY && 'POSTHOG_PROJECT_API_KEY'].filter(Boolean);
  if (vars.POSTHOG_CAPTURE === '1' && missing.length > 0)
    throw configError([`POSTHOG_CAPTURE=1 needs ${missing.join(' and ')}: the PostHog host and the project API key (phc_…) to capture with`]);
  return {
    ...(host &&
      vars.POSTHOG_PROJECT_ID &&
      vars.POSTHOG_PERSONAL_API_KEY && { query: { host, projectId: vars.POSTHOG_PROJECT_ID, apiKey: vars.POSTHOG_PERSONAL_API_KEY } }),
    ...(host && vars.POSTHOG_CAPTURE === '1' && vars.POSTHOG_PROJECT_API_KEY && { capture: { host, projectKey: vars.POSTHOG_PROJECT_API_KEY } }),
  };
}
