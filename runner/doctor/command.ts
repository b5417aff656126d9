import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import type { RunnerCliIo } from '../cli.ts';
import { parseRunnerConfig } from '../config.ts';
import { credentialsPath, loadCredentials } from '../credentials.ts';
import { runnerDatabase } from '../store/database.ts';
import { RunnerStateStore } from '../store/state.ts';
import { renderReport } from './report.ts';
import { runDoctor } from './run.ts';

/** `director doctor [--json]`: every check, ✓ / ✗ with what to do; exit 1 when something is broken. */
export async function doctorCommand(json: boolean, io: RunnerCliIo): Promise<number> {
  const config = parseRunnerConfig(await io.source());
  const botUrl = existsSync(credentialsPath(config.home)) ? loadCredentials(config.home).botUrl : undefined;
  const result = await runDoctor({ config, env: io.env, home: io.env.HOME ?? homedir(), botUrl, now: Date.now() });
  // Kept for the next hello, so /director runners shows it.
  const db = runnerDatabase(config.home);
  try {
    new RunnerStateStore(db).setDoctor(result);
  } finally {
    db.close();
  }
  io.out(json ? JSON.stringify(result) : renderReport(result));
  return result.ok ? 0 : 1;
}
