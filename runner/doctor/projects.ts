import { existsSync, statSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import type { ProjectConfig } from '../config.ts';
import { fail, ok, type CheckResult } from './report.ts';

/** Runs git in `dir` without a shell; undefined when it fails. */
function git(dir: string, args: string[]): string | undefined {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 }).trim();
  } catch {
    return undefined;
  }
}

/** Whether a remote URL names `owner/name` (https, ssh or scp-like, with or without .git). */
export function urlNamesRepo(url: string, repo: string): boolean {
  const path = url
    .replace(/^[a-z+]+:\/\/[^/]+\//i, '')
    .replace(/^[^@/]+@[^:]+:/, '')
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '');
  return path.toLowerCase() === repo.toLowerCase() || path.toLowerCase().endsWith(`/${repo.toLowerCase()}`);
}

/** A remote URL as it may be shown: without any user or password in it. */
function shown(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//');
}

/** A project's `path` is a git repository whose configured remote points at its `repo`. */
export function projectChecks(project: ProjectConfig): CheckResult[] {
  const id = `project.${project.name}`;
  const where = `project "${project.name}": PROJECTS path ${project.path}`;
  if (!existsSync(project.path) || !statSync(project.path).isDirectory())
    return [fail(`${id}.path`, `${where} does not exist`, `clone ${project.repo} there, or fix "path" in PROJECTS`)];
  if (git(project.path, ['rev-parse', '--git-dir']) === undefined)
    return [fail(`${id}.path`, `${where} is not a git repository`, `point "path" at a clone of ${project.repo}`)];
  const results = [ok(`${id}.path`, `project "${project.name}": ${project.path} is a git repository`)];
  if (project.remote === null) return results;
  const url = git(project.path, ['remote', 'get-url', project.remote]);
  if (url === undefined)
    results.push(
      fail(
        `${id}.remote`,
        `project "${project.name}": ${project.path} has no remote "${project.remote}"`,
        `add it (git -C ${project.path} remote add ${project.remote} <url of ${project.repo}>) or set "remote" in PROJECTS to the one it has`,
      ),
    );
  else if (!urlNamesRepo(url, project.repo))
    results.push(
      fail(
        `${id}.remote`,
        `project "${project.name}": remote "${project.remote}" of ${project.path} is ${shown(url)}, not ${project.repo}`,
        `fix "repo" or "path" in PROJECTS so they name the same repository`,
      ),
    );
  else results.push(ok(`${id}.remote`, `project "${project.name}": remote "${project.remote}" is ${project.repo}`));
  return results;
}
