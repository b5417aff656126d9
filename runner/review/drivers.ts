/**
 * Reviewer sessions of the runner's configured agents: codex held to the findings schema with
 * `--output-schema` and a read-only sandbox of its own when Director's is off; claude with
 * reading tools only; a command agent as it is. Each runs in a fresh session.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AgentConfig } from '../config.ts';
import { createClaudeParser } from '../agents/claude.ts';
import { codexDriver } from '../agents/codex.ts';
import { commandDriver } from '../agents/command.ts';
import type { AgentDriver, DriverSettings, TurnRequest } from '../agents/driver.ts';
import { spawnAgent } from '../process/spawn.ts';
import { reviewJsonSchema } from './findings.ts';

const SCHEMA_FILE = 'director-review-schema.json';

/** codex reads the schema itself, inside the sandbox: it goes into codex's own state directory, which the sandbox shows. */
function schemaFileFor(env: Record<string, string>): string {
  const dir = env.CODEX_HOME ?? join(env.HOME ?? '.', '.codex');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, SCHEMA_FILE);
  writeFileSync(file, JSON.stringify(reviewJsonSchema));
  return file;
}

function codexReviewer(name: string, settings: DriverSettings): AgentDriver {
  return {
    name,
    resumable: false,
    run: (request: TurnRequest) => {
      const schema = schemaFileFor({ ...request.env, ...settings.env });
      return codexDriver({ ...settings, readOnly: true, args: [...(settings.args ?? []), '--output-schema', schema] }).run(request);
    },
  };
}

function claudeReviewer(name: string, settings: DriverSettings): AgentDriver {
  return {
    name,
    resumable: false,
    run: (request) =>
      spawnAgent({
        ...request,
        file: settings.command ?? 'claude',
        args: [
          '-p',
          '--output-format',
          'stream-json',
          '--verbose',
          '--permission-mode',
          'default',
          '--allowedTools',
          'Read',
          'Grep',
          'Glob',
          'LS',
          '--disallowedTools',
          'Bash',
          'Write',
          'Edit',
          'MultiEdit',
          'NotebookEdit',
          'WebFetch',
          'WebSearch',
          ...(settings.args ?? []),
        ],
        input: request.prompt,
        env: { ...request.env, ...settings.env },
        parse: createClaudeParser(request.cwd, request.log),
      }),
  };
}

/** A reviewer for every kind the config accepts: a kind without one fails to compile. */
const factories = {
  codex: (name, _agent, settings) => codexReviewer(name, settings),
  claude: (name, _agent, settings) => claudeReviewer(name, settings),
  command: (name, agent, settings) => commandDriver(name, { ...settings, command: agent.command ?? name, input: agent.input }),
} satisfies Record<AgentConfig['kind'], (name: string, agent: AgentConfig, settings: DriverSettings) => AgentDriver>;

/** Reviewer drivers for the runner's configured agents, by name. */
export function buildReviewers(agents: Record<string, AgentConfig>): Map<string, AgentDriver> {
  const reviewers = new Map<string, AgentDriver>();
  for (const [name, agent] of Object.entries(agents)) {
    const settings = { ...(agent.command && { command: agent.command }), args: agent.args, env: agent.env };
    reviewers.set(name, factories[agent.kind](name, agent, settings));
  }
  return reviewers;
}

/**
 * Who reviews a task: the channel's choice (an agent of this runner, or off), else the other
 * vendor's CLI when both are configured, else the implementer itself with the reviewer's prompt.
 */
export function chooseReviewer(
  choice: string | null,
  implementer: string,
  kinds: ReadonlyMap<string, AgentConfig['kind']>,
  listed?: ReadonlySet<string>,
): { reviewer: string } | { off: true } | { refused: string } {
  if (choice === 'off') return { off: true };
  if (choice !== null) {
    const byKind = [...kinds].find(([, kind]) => kind === choice)?.[0];
    const named = kinds.has(choice) ? choice : byKind;
    return named ? { reviewer: named } : { refused: `this runner has no agent "${choice}" to review with` };
  }
  // By default the other vendor reviews, but only one the owner listed: codex and claude are always
  // known, and an unlisted one may not be installed or logged in (every review would then fail).
  const candidates = [...kinds].filter(([name]) => listed === undefined || listed.has(name));
  const own = kinds.get(implementer);
  const other = own === 'codex' ? 'claude' : own === 'claude' ? 'codex' : undefined;
  const preferred = other && (candidates.find(([name, kind]) => name === other && kind === other) ?? candidates.find(([, kind]) => kind === other))?.[0];
  return { reviewer: preferred ?? implementer };
}
