import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { DirectorError } from '../shared/errors.ts';
import { runnerNameSchema } from '../shared/protocol.ts';

/** What pairing leaves on disk: where the bot is, who this runner is, and its token (mode 0600). */
export const credentialsSchema = z.object({
  botUrl: z.url({ protocol: /^https?$/ }),
  name: runnerNameSchema,
  token: z.string().min(1),
  pairedAt: z.string(),
});
export type RunnerCredentials = z.infer<typeof credentialsSchema>;

export function credentialsPath(home: string): string {
  return join(home, 'runner.json');
}

/** Writes the token file with mode 0600, atomically (a crash leaves the old file or the new one). */
export function saveCredentials(home: string, credentials: RunnerCredentials): string {
  const file = credentialsPath(home);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, file);
  return file;
}

export function loadCredentials(home: string): RunnerCredentials {
  const file = credentialsPath(home);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new DirectorError(
      'runner_not_paired',
      `this runner is not paired (no ${file}): type /director connect in Slack, then run director runner pair <code> --url <bot url>.`,
      { cause },
    );
  }
  const parsed = credentialsSchema.safeParse(safeJson(text));
  if (!parsed.success) {
    throw new DirectorError('runner_not_paired', `${file} is damaged: pair again with /director connect and director runner pair <code> --url <bot url>.`);
  }
  return parsed.data;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
