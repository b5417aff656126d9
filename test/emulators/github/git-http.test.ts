import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useWorld } from './testkit.ts';

const world = useWorld();

describe('git smart HTTP', () => {
  it('clones anonymously but needs the token to push, failing fast instead of prompting', async () => {
    const { emu, sandbox } = world();
    const anon = await sandbox.clone(emu.gitUrl('acme', 'widgets'), 'anon');
    await sandbox.commit(anon, 'x.txt', 'x\n', 'Anonymous change');
    const denied = await sandbox.run(anon, ['push', 'origin', 'HEAD:refs/heads/anon']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/could not read Username|Authentication failed|terminal prompts disabled/);

    const port = new URL(emu.apiUrl).port;
    const wrong = await sandbox.run(anon, ['push', `http://x-access-token:ghp_wrong@127.0.0.1:${port}/acme/widgets.git`, 'HEAD:refs/heads/anon']);
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('Authentication failed');
    expect(await emu.headSha('acme', 'widgets', 'anon')).toBeUndefined();
    expect(emu.requests.filter((r) => r.status === 401).length).toBeGreaterThanOrEqual(2);

    // The documented form, the token as username, and an explicit header all work.
    const sha = await sandbox.git(anon, ['rev-parse', 'HEAD']);
    expect(emu.authGitUrl('acme', 'widgets')).toBe(`http://x-access-token:${emu.token}@127.0.0.1:${port}/acme/widgets.git`);
    await sandbox.git(anon, ['push', '--quiet', emu.authGitUrl('acme', 'widgets'), 'HEAD:refs/heads/one']);
    await sandbox.git(anon, ['push', '--quiet', `http://${emu.token}@127.0.0.1:${port}/acme/widgets.git`, 'HEAD:refs/heads/two']);
    const basic = Buffer.from(`x-access-token:${emu.token}`).toString('base64');
    await sandbox.git(anon, [
      '-c',
      `http.extraHeader=Authorization: Basic ${basic}`,
      'push',
      '--quiet',
      emu.gitUrl('acme', 'widgets'),
      'HEAD:refs/heads/three',
    ]);
    for (const branch of ['one', 'two', 'three']) expect(await emu.headSha('acme', 'widgets', branch)).toBe(sha);
  });

  it('404s for a repository that does not exist', async () => {
    const missing = await world().sandbox.run(world().sandbox.dir, ['clone', world().emu.authGitUrl('acme', 'nope'), 'nope']);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/not found/i);
  });

  it('streams a large chunked push and serves it back', async () => {
    const { emu, sandbox, work } = world();
    const blob = randomBytes(3 * 1024 * 1024);
    const sha = await sandbox.commit(work, 'big.bin', blob, 'Big file');
    await sandbox.git(work, ['push', '--quiet', 'origin', 'HEAD:refs/heads/big']);
    expect(await emu.headSha('acme', 'widgets', 'big')).toBe(sha);
    const copy = await sandbox.clone(emu.gitUrl('acme', 'widgets'), 'copy');
    await sandbox.git(copy, ['checkout', '--quiet', 'big']);
    expect((await readFile(join(copy, 'big.bin'))).equals(blob)).toBe(true);
    // Bigger than http.postBuffer: git probes with a tiny POST, then streams the pack chunked (no Content-Length).
    const posts = emu.requests.filter((r) => r.path === '/acme/widgets.git/git-receive-pack');
    expect(posts.map((r) => [r.status, r.chunked ?? false])).toEqual([
      [200, false],
      [200, true],
    ]);
    const repo = await world().octokit.rest.repos.get({ owner: 'acme', repo: 'widgets' });
    expect(repo.data.default_branch).toBe('main');
    expect(repo.data.clone_url).toBe(emu.gitUrl('acme', 'widgets'));
  });

  it('accepts gzip-encoded fetch requests (many wants)', async () => {
    const { emu, sandbox, work } = world();
    // 40 branches at 40 different commits: the clone's want list exceeds 1 KiB, so git gzips it.
    const refspecs: string[] = [];
    for (let i = 0; i < 40; i += 1) {
      const sha = await sandbox.git(work, ['commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', `c${i}`]);
      refspecs.push(`${sha}:refs/heads/b${i}`);
    }
    await sandbox.git(work, ['push', '--quiet', 'origin', ...refspecs]);
    const copy = await sandbox.clone(emu.gitUrl('acme', 'widgets'), 'many');
    const branches = await sandbox.git(copy, ['branch', '-r']);
    expect(branches.split('\n')).toHaveLength(42); // b0..b39, main, HEAD -> origin/main
    expect(emu.requests.some((r) => r.path.endsWith('/git-upload-pack') && r.encoding === 'gzip')).toBe(true);
  });
});
