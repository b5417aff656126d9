import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { commandDriver } from '../../runner/agents/command.ts';
import type { AgentDriver } from '../../runner/agents/driver.ts';
import type { TaskEvent } from '../../runner/tasks/task-events.ts';
import { runnerDatabase } from '../../runner/main.ts';
import { TaskEngine, type TaskEngineOptions } from '../../runner/tasks/engine.ts';
import type { EngineProject } from '../../runner/tasks/project.ts';
import { TaskStore, type TaskRecord } from '../../runner/tasks/store.ts';
import { ContextKeeper } from '../../runner/context/keeper.ts';
import { Worktrees } from '../../runner/worktrees.ts';
import { systemClock } from '../../shared/clock.ts';
import { createRedactor } from '../../shared/redact.ts';
import type { Db } from '../../shared/db/open.ts';
import { makeRepo } from './git-repo.ts';
import { quietLog } from './link-harness.ts';

export const agentScript = (name: string) => fileURLToPath(new URL(`../fixtures/agents/${name}`, import.meta.url));

/** A command driver that runs one of the stand-in agent scripts. */
export function scriptAgent(name: string, script: string): AgentDriver {
  return commandDriver(name, { command: 'bash', args: [agentScript(script)], input: 'arg' });
}

export interface EngineUnderTest {
  engine: TaskEngine;
  store: TaskStore;
  context: ContextKeeper;
  db: Db;
  project: EngineProject;
  origin: string;
  changes: { task: TaskRecord; event?: TaskEvent }[];
  close(): void;
}

/** A real engine on a real SQLite file and a real git repository under `dir`. */
export const defaultFiles: Record<string, string> = { 'README.md': '# demo\n', 'src/app.js': 'export const answer = 42;\n' };

export function startEngine(
  dir: string,
  drivers: AgentDriver[],
  options: Partial<TaskEngineOptions> = {},
  files = defaultFiles,
  projectOverrides: Partial<EngineProject> = {},
): EngineUnderTest {
  // Reopening the same dir (a restarted runner) reuses its repository.
  const repo = existsSync(join(dir, 'repo', 'checkout'))
    ? { path: join(dir, 'repo', 'checkout'), origin: join(dir, 'repo', 'origin.git') }
    : makeRepo(join(dir, 'repo'), files);
  const project: EngineProject = { name: 'demo', path: repo.path, defaultBranch: 'main', remote: 'origin', testCommand: 'npm test', ...projectOverrides };
  const db = runnerDatabase(join(dir, 'home'));
  const store = new TaskStore(db);
  const context = options.context ?? new ContextKeeper(db, store);
  const changes: EngineUnderTest['changes'] = [];
  const engine = new TaskEngine({
    store,
    context,
    worktrees: new Worktrees(join(dir, 'home', 'worktrees')),
    projects: new Map([[project.name, project]]),
    drivers: new Map(drivers.map((d) => [d.name, d])),
    agentEnv: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir },
    clock: systemClock,
    log: quietLog,
    capacity: 4,
    graceMs: 1000,
    onChange: (task, event) => changes.push(event ? { task, event } : { task }),
    ...options,
    redact: options.redact ?? createRedactor(),
  });
  return { engine, store, context, db, project, origin: repo.origin, changes, close: () => db.close() };
}

export const request = (text: string) => ({ kind: 'request' as const, text, requestedBy: 'alice' });
