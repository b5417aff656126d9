// Flags and environment that put the real CLIs fully offline against the emulator.
// Verified with codex-cli 0.169.0 and Claude Code 2.1.197 (see the tests and REFERENCE.md §1, §3).

/** The emulator's addresses (structural, so this module needs no emulator import). */
export interface EmulatorUrls {
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
}

/** The environment variable codex reads the bearer key from (model_providers.<id>.env_key). */
export const CODEX_KEY_ENV = 'FAKE_KEY';
/** Any non-empty key works; the emulator does not check it. */
export const EMULATOR_API_KEY = 'emulator-key';
const PROVIDER = 'emulator';

/** Options of `codexArgs`. */
export interface CodexArgsOptions {
  /** A slug from codex's bundled catalogue (`codex debug models`); unknown slugs lose apply_patch. */
  model?: string;
  /** Offer the update_plan tool (off by default for gpt-5.5) so `plan` steps become todo_list items. */
  updatePlan?: boolean;
  /** request_max_retries / stream_max_retries; 0 makes scripted failures end the turn at once. */
  retries?: number;
}

const toml = (value: string): string => JSON.stringify(value);

/**
 * `codex exec` flags that go BEFORE the prompt or `resume` (codex rejects exec flags after `resume`).
 * analytics off + plugins/apps disabled is what stops codex contacting ab.chatgpt.com / github.com / chatgpt.com.
 */
export function codexArgs(emu: EmulatorUrls, opts: CodexArgsOptions = {}): string[] {
  const p = `model_providers.${PROVIDER}`;
  const retries = String(opts.retries ?? 0);
  const config = [
    `model_provider=${toml(PROVIDER)}`,
    `${p}.name=${toml(PROVIDER)}`,
    `${p}.base_url=${toml(emu.openaiBaseUrl)}`,
    `${p}.wire_api=${toml('responses')}`,
    `${p}.env_key=${toml(CODEX_KEY_ENV)}`,
    `${p}.request_max_retries=${retries}`,
    `${p}.stream_max_retries=${retries}`,
    'analytics.enabled=false',
    ...(opts.updatePlan === true ? ['tools.update_plan.enabled=true'] : []),
  ];
  return ['-m', opts.model ?? 'gpt-5.5', ...config.flatMap((c) => ['-c', c]), '--disable', 'plugins', '--disable', 'apps'];
}

/** Environment for codex: its own state dir and the provider key. Close its stdin (or it reads it as more prompt). */
export function codexEnv(_emu: EmulatorUrls, codexHome: string): Record<string, string> {
  return { CODEX_HOME: codexHome, [CODEX_KEY_ENV]: EMULATOR_API_KEY };
}

const isRoot = (): boolean => typeof process.getuid === 'function' && process.getuid() === 0;

/**
 * Environment for `claude`: the emulator as API, no retries, no non-essential traffic
 * (without it Claude Code opens ~6 connections to api.anthropic.com), state under `home`.
 * IS_SANDBOX=1 lets root use bypassPermissions / --dangerously-skip-permissions.
 * Do not inherit ANTHROPIC_AUTH_TOKEN / CLAUDE_CODE_OAUTH_TOKEN from the parent: they override the key.
 */
export function claudeEnv(emu: EmulatorUrls, home: string): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: emu.anthropicBaseUrl,
    ANTHROPIC_API_KEY: EMULATOR_API_KEY,
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
    CLAUDE_CODE_MAX_RETRIES: '0',
    HOME: home,
    ...(isRoot() ? { IS_SANDBOX: '1' } : {}),
  };
}
