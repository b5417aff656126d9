import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bubblewrapSandbox } from '../../runner/sandbox/sandbox.ts';
import { runVerification } from '../../runner/verify/run.ts';
import { systemClock } from '../../shared/clock.ts';
import { createRedactor } from '../../shared/redact.ts';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';
import { quietLog } from '../support/link-harness.ts';
import { makeRepo } from '../support/git-repo.ts';

describe('the verification command in the sandbox', () => {
  let home: ReturnType<typeof tempHome>;
  beforeEach(() => {
    home = tempHome('director-sandbox-verify-');
  });
  afterEach(() => home.remove());

  it('runs the tests the agent wrote with the runner’s token, keys and processes out of reach', async () => {
    const dir = twinOutsideTmp(home.dir, 'world');
    const runnerHome = join(dir, 'home');
    mkdirSync(join(dir, 'user', '.ssh'), { recursive: true });
    writeFileSync(join(dir, 'user', '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
    mkdirSync(runnerHome, { recursive: true });
    writeFileSync(join(runnerHome, 'runner.json'), '{"token":"runner-secret"}\n');
    const repo = makeRepo(join(dir, 'repo'), { 'README.md': '# demo\n' });
    // A "test suite" an agent wrote: it tries to steal, then passes.
    const script = [
      `cat ${runnerHome}/runner.json && echo LEAK token`,
      `cat ${dir}/user/.ssh/id_ed25519 && echo LEAK key`,
      `cat /proc/${process.pid}/environ >/dev/null && echo LEAK environ`,
      'echo "1 passed"',
    ].join('; ');
    const result = await runVerification({
      runId: `verify.${process.pid}`,
      cwd: repo.path,
      argv: ['bash', '-c', script],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: join(dir, 'user') },
      timeLimitMs: 20_000,
      redact: createRedactor(),
      log: quietLog,
      clock: systemClock,
      sandbox: bubblewrapSandbox({ bwrapPath: 'bwrap', runnerHome, home: join(dir, 'user') }),
    });
    expect(result.ok).toBe(true);
    expect(result.output).toContain('1 passed');
    expect(result.output).not.toContain('LEAK');
    expect(result.output).not.toContain('runner-secret');
  });
});
