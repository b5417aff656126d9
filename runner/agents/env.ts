/**
 * The environment an agent runs with: the user's ordinary environment and agent login, minus
 * every runner secret (GitHub tokens, Director's own settings, anything secret-named, any URL
 * with a password in it).
 */

import { hasUrlCredentials, isSecretName } from '../../shared/secret-names.ts';

/** Whole families the agent never needs. */
const RUNNER_ONLY = /^(GH_|GITHUB_|DIRECTOR_|SLACK_|POSTHOG_|NPM_TOKEN|AWS_|GOOGLE_APPLICATION_CREDENTIALS)/i;
/** The agents' own auth and endpoints: the user's codex / claude login keeps working. */
const AGENT_AUTH = new Set([
  'OPENAI_API_KEY',
  'OPENAI_BASE_URL',
  'CODEX_API_KEY',
  'CODEX_HOME',
  'ANTHROPIC_API_KEY',
  'ANTHROPIC_AUTH_TOKEN',
  'ANTHROPIC_BASE_URL',
  'CLAUDE_CONFIG_DIR',
  'CLAUDE_CODE_OAUTH_TOKEN',
]);

export interface AgentEnvOptions {
  /** The runner's own environment. */
  base: NodeJS.ProcessEnv;
  /** Names to pass although they look secret (from the runner's config). */
  allow?: readonly string[];
}

/** Which variables of `base` an agent may see. */
export function agentEnvironment({ base, allow = [] }: AgentEnvOptions): Record<string, string> {
  const allowed = new Set([...AGENT_AUTH, ...allow]);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value === undefined) continue;
    // A URL with a password is hidden whole, not passed without it: stripped, it may still connect
    // (trust auth, ~/.pgpass) somewhere the person did not mean. `allow` passes it on purpose.
    if (!allowed.has(name) && (RUNNER_ONLY.test(name) || isSecretName(name) || hasUrlCredentials(value))) continue;
    env[name] = value;
  }
  return env;
}
