import { existsSync } from 'node:fs';
import type { RunnerCliIo } from '../cli.ts';
import { parseRunnerConfig } from '../config.ts';
import { credentialsPath, loadCredentials } from '../credentials.ts';
import { runnerDatabase } from '../store/database.ts';
import { describeStatus, statusReport, unpairedReport } from '../status.ts';

/** `director runner status [--json]`: exit 0 only when `runner start` is up (connected or reconnecting). */
export async function statusCommand(json: boolean, io: RunnerCliIo): Promise<number> {
  const cfg = parseRunnerConfig(await io.source());
  const file = credentialsPath(cfg.home);
  if (!existsSync(file)) {
    const report = unpairedReport(file);
    io.out(json ? JSON.stringify(report) : `Not paired (no ${file}).\nNext: ${report.advice}`);
    return 1;
  }
  const credentials = loadCredentials(cfg.home);
  const db = runnerDatabase(cfg.home);
  try {
    const input = { credentials, file, db, now: Date.now(), sandbox: cfg.sandbox.mode };
    const report = statusReport(input);
    io.out(json ? JSON.stringify(report) : describeStatus(input));
    return report.link.state === 'not_running' || report.link.state === 'refused' ? 1 : 0;
  } finally {
    db.close();
  }
}
