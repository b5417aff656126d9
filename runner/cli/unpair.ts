import { existsSync, rmSync } from 'node:fs';
import { DirectorError } from '../../shared/errors.ts';
import type { RunnerCliIo } from '../cli.ts';
import { parseRunnerConfig } from '../config.ts';
import { credentialsPath, loadCredentials } from '../credentials.ts';
import { runnerDatabase } from '../store/database.ts';
import { statusReport } from '../status.ts';

/** `director runner unpair`: forgets the token (not while `runner start` runs); the owner revokes it in Slack. */
export async function unpairCommand(io: RunnerCliIo): Promise<number> {
  const config = parseRunnerConfig(await io.source());
  const file = credentialsPath(config.home);
  if (!existsSync(file)) {
    io.out(`This runner is not paired (no ${file}): nothing to do.`);
    return 0;
  }
  const credentials = loadCredentials(config.home);
  const db = runnerDatabase(config.home);
  try {
    const { link } = statusReport({ credentials, file, db, now: Date.now(), sandbox: config.sandbox.mode });
    if (link.state === 'connected' || link.state === 'connecting' || link.state === 'waiting')
      throw new DirectorError('runner_busy', `director runner start is running${link.pid ? ` (pid ${link.pid})` : ''}: stop it first, then unpair.`);
  } finally {
    db.close();
  }
  rmSync(file, { force: true });
  io.out(
    `Unpaired runner "${credentials.name}": removed ${file}, so it can no longer connect to ${credentials.botUrl}.\nIn Slack, /director runners revoke ${credentials.name} removes it there too.`,
  );
  return 0;
}
