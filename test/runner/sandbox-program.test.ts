import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bubblewrapSandbox } from '../../runner/sandbox/sandbox.ts';
import { tempHome, twinOutsideTmp } from '../../emulators/support/temp-home.ts';

/** A checkout under /tmp (as CI's may be) holds the agent CLIs in its node_modules, which the sandbox's private /tmp would hide. */
describe('the sandbox and a program installed under a hidden directory', () => {
  let home: ReturnType<typeof tempHome>;

  beforeEach(() => {
    home = tempHome('director-program-');
  });

  afterEach(() => home.remove());

  it('shows the program’s node_modules read-only and keeps the rest of /tmp hidden', () => {
    const checkout = join(home.dir, 'checkout');
    const pkg = join(checkout, 'node_modules', 'tool', 'bin');
    mkdirSync(pkg, { recursive: true });
    mkdirSync(join(checkout, 'node_modules', '.bin'));
    writeFileSync(
      join(pkg, 'tool.sh'),
      `#!/bin/sh\necho "tool ran"\ncat ${join(home.dir, 'secret.txt')} 2>/dev/null && echo LEAK\ntouch ${join(pkg, 'planted')} 2>/dev/null && echo WROTE\nexit 0\n`,
    );
    chmodSync(join(pkg, 'tool.sh'), 0o755);
    symlinkSync('../tool/bin/tool.sh', join(checkout, 'node_modules', '.bin', 'tool'));
    writeFileSync(join(home.dir, 'secret.txt'), 'a secret beside the checkout\n');
    const work = twinOutsideTmp(home.dir, 'work');
    const runnerHome = twinOutsideTmp(home.dir, 'runner');
    const sandbox = bubblewrapSandbox({ bwrapPath: 'bwrap', runnerHome, home: twinOutsideTmp(home.dir, 'user') });
    const wrapped = sandbox.wrap({ file: join(checkout, 'node_modules', '.bin', 'tool'), args: [], cwd: work, env: { PATH: '/usr/bin:/bin' } });
    const run = spawnSync(wrapped.file, wrapped.args, { cwd: work, env: wrapped.env, encoding: 'utf8' });
    expect(run.stdout).toContain('tool ran');
    expect(run.stdout).not.toContain('LEAK');
    expect(run.stdout).not.toContain('WROTE');
  });
});
