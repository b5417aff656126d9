import { usageError } from '../../shared/cli/args.ts';
import type { RunnerCliIo } from '../cli.ts';
import { parseRunnerConfig } from '../config.ts';
import { saveCredentials } from '../credentials.ts';
import { pairWithBot } from '../pair.ts';

/** `director runner pair <code> --url <bot url>`: one progress line, then the saved token or why not. */
export async function pairCommand({
  values,
  code,
  io,
  usage,
}: {
  values: Record<string, string | boolean | undefined>;
  code: string;
  io: RunnerCliIo;
  usage: string;
}): Promise<number> {
  const url = typeof values.url === 'string' ? values.url : undefined;
  if (!url) throw usageError('--url is required (the address /director connect showed)', usage);
  const timeout = typeof values.timeout === 'string' ? Number(values.timeout) : 15;
  if (!Number.isFinite(timeout) || timeout <= 0 || timeout > 600) throw usageError('--timeout must be a number of seconds, 1 to 600', usage);
  const cfg = parseRunnerConfig(await io.source());
  const name = typeof values.name === 'string' ? values.name : cfg.defaultName;
  io.out(`Pairing with ${url} as "${name}" (waiting up to ${timeout} s for the bot)…`);
  const paired = await pairWithBot({ botUrl: url, code, name, timeoutMs: timeout * 1000 });
  const file = saveCredentials(cfg.home, { botUrl: url, name: paired.name, token: paired.token, pairedAt: new Date().toISOString() });
  io.out(`Paired as runner "${paired.name}" with ${url}. Token saved to ${file} (mode 0600).\nNext: director doctor, then director runner start`);
  return 0;
}
