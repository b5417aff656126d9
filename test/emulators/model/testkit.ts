// Helpers for the emulator's own tests: temp git repos, the real CLIs run offline against the
// emulator, JSONL parsing, and a proxy that records any attempt to reach the internet.
import { execFile, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { z } from 'zod';
import { claudeEnv, codexArgs, codexEnv, startModelEmulator } from '../../../emulators/model/index.ts';
import { twinOutsideTmp } from '../../../emulators/support/temp-home.ts';
import type { CodexArgsOptions, ModelEmulator } from '../../../emulators/model/index.ts';

const run = promisify(execFile);
const BIN = resolve(import.meta.dirname, '../../../node_modules/.bin');
export const CODEX = join(BIN, 'codex');
export const CLAUDE = join(BIN, 'claude');

/** One JSON line a CLI printed. */
export const JsonLine = z.record(z.string(), z.unknown());
export type JsonLine = z.infer<typeof JsonLine>;

/** How a CLI run ended. */
export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  lines: JsonLine[];
}

/** Per-test directories: a git repo as cwd, a HOME, a CODEX_HOME. */
export interface Sandbox {
  repo: string;
  home: string;
  codexHome: string;
}

/** Parses JSONL stdout; every non-empty line must be a JSON object. */
export function jsonLines(stdout: string): JsonLine[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JsonLine.parse(JSON.parse(l)));
}

// Only what a process needs from the parent: no API keys or tokens can leak into the CLIs.
function baseEnv(): Record<string, string> {
  const keep = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'LOGNAME', 'SHELL'];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** Owns everything a test starts, and tears it down in afterEach. */
export class Kit {
  private readonly procs = new Set<ChildProcess>();
  private readonly dirs: string[] = [];
  private readonly emulators: ModelEmulator[] = [];
  private proxy: Server | undefined;
  /** Requests that tried to leave the machine through the proxy (CONNECT host:port or absolute URL). */
  readonly outbound: string[] = [];
  private proxyUrl = '';

  async emulator(): Promise<ModelEmulator> {
    const emu = await startModelEmulator();
    this.emulators.push(emu);
    return emu;
  }

  async sandbox(): Promise<Sandbox> {
    const root = await mkdtemp(join(tmpdir(), 'model-emu-'));
    this.dirs.push(root);
    const repo = join(root, 'repo');
    await run('git', ['init', '-q', repo]);
    await run('git', ['-C', repo, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', 'commit', '-q', '--allow-empty', '-m', 'init']);
    // Outside the temp dir (codex with bubblewrap refuses helper links there), removed in cleanup.
    const codexHome = twinOutsideTmp(root, 'codex-home');
    this.dirs.push(dirname(codexHome));
    const sb = { repo, home: join(root, 'home'), codexHome };
    await mkdir(sb.home);
    return sb;
  }

  /** Any proxied request is recorded and refused; loopback bypasses it through NO_PROXY. */
  private async proxyEnv(): Promise<Record<string, string>> {
    if (this.proxy === undefined) {
      const proxy = createServer((req, res) => {
        this.outbound.push(`${req.method ?? '?'} ${req.url ?? ''}`);
        res.writeHead(403).end();
      });
      proxy.on('connect', (req, socket) => {
        this.outbound.push(`CONNECT ${req.url ?? ''}`);
        // Clients reset refused tunnels; an unhandled socket error would crash the test process.
        socket.on('error', () => undefined);
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      });
      await new Promise<void>((done) => proxy.listen(0, '127.0.0.1', done));
      const address = proxy.address();
      this.proxy = proxy;
      this.proxyUrl = address !== null && typeof address !== 'string' ? `http://127.0.0.1:${address.port}` : '';
    }
    const p = this.proxyUrl;
    return {
      HTTPS_PROXY: p,
      HTTP_PROXY: p,
      ALL_PROXY: p,
      https_proxy: p,
      http_proxy: p,
      all_proxy: p,
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
    };
  }

  /** Spawns a CLI (stdin closed, own process group) and collects its output. */
  async spawn(cmd: string, args: string[], cwd: string, env: Record<string, string>, timeoutMs = 45_000): Promise<CliResult> {
    const fullEnv = { ...baseEnv(), ...(await this.proxyEnv()), ...env };
    const child = spawn(cmd, args, { cwd, env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    this.procs.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => this.kill(child), timeoutMs);
    return new Promise((done, fail) => {
      child.once('error', fail);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        this.procs.delete(child);
        const lines = code === null ? [] : jsonLines(stdout);
        done({ code, signal, stdout, stderr, lines });
      });
    });
  }

  /** `codex exec --json --skip-git-repo-check -s workspace-write <codexArgs> …rest`. */
  codex(emu: ModelEmulator, sb: Sandbox, rest: string[], opts: CodexArgsOptions = {}): Promise<CliResult> {
    const args = ['exec', '--json', '--skip-git-repo-check', '-s', 'workspace-write', ...codexArgs(emu, opts), ...rest];
    return this.spawn(CODEX, args, sb.repo, { HOME: sb.home, ...codexEnv(emu, sb.codexHome) });
  }

  /** `claude -p <prompt> --output-format stream-json --verbose …extra --permission-mode acceptEdits --allowedTools Bash Write`. */
  claude(emu: ModelEmulator, sb: Sandbox, prompt: string, extra: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
    // The prompt goes right after -p: `--allowedTools` is variadic and would swallow a trailing prompt.
    const args = ['-p', prompt, '--output-format', 'stream-json', '--verbose', ...extra, '--permission-mode', 'acceptEdits', '--allowedTools', 'Bash', 'Write'];
    return this.spawn(CLAUDE, args, sb.repo, { ...claudeEnv(emu, sb.home), ...env });
  }

  /** Starts a CLI without waiting (for cancel tests); `cleanup` kills it. */
  startCodex(emu: ModelEmulator, sb: Sandbox, rest: string[]): { child: ChildProcess; exited: Promise<number | null> } {
    const args = ['exec', '--json', '--skip-git-repo-check', '-s', 'workspace-write', ...codexArgs(emu), ...rest];
    const env = { ...baseEnv(), HOME: sb.home, ...codexEnv(emu, sb.codexHome) };
    const child = spawn(CODEX, args, { cwd: sb.repo, env, stdio: ['ignore', 'ignore', 'ignore'], detached: true });
    this.procs.add(child);
    const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
    return { child, exited };
  }

  /** Kills a child's whole process group (the npm shims start the native binaries as children). */
  kill(child: ChildProcess): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      child.kill('SIGKILL');
    }
  }

  async cleanup(): Promise<void> {
    for (const child of this.procs) this.kill(child);
    this.procs.clear();
    await Promise.all(this.emulators.splice(0).map((e) => e.close()));
    const proxy = this.proxy;
    this.proxy = undefined;
    if (proxy !== undefined) await new Promise<void>((done) => proxy.close(() => done()));
    await Promise.all(this.dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  }
}

/** Polls until `probe` returns a value (not undefined/false). */
export async function waitFor<T>(probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
