import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

const bin = fileURLToPath(new URL('../../bin/director.js', import.meta.url));

/** The real `director` command in a child process, with its output collected. */
export interface DirectorProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the first stderr line matching `pattern`. */
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function spawnDirector(args: string[], env: Record<string, string>): DirectorProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLog: async (pattern, timeoutMs = 20_000) => {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        const line = err.split('\n').find((l) => pattern.test(l));
        if (line) return line;
        if (child.exitCode !== null) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`no log line matching ${String(pattern)}; stderr was:\n${err}`);
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs `director` to completion. */
export async function runDirector(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawnDirector(args, env);
  const code = await proc.exited;
  return { code, stdout: proc.stdout(), stderr: proc.stderr() };
}

/** `director bot` in HTTP mode in its own process, against the Slack emulator; resolves once it listens. */
export async function spawnHttpBot(
  emu: { botToken: string; apiUrl: string },
  home: string,
  signingSecret: string,
): Promise<{ bot: DirectorProcess; port: number; url: string; pid: number }> {
  const bot = spawnDirector(['bot'], {
    SLACK_BOT_TOKEN: emu.botToken,
    SLACK_API_URL: emu.apiUrl,
    SLACK_SIGNING_SECRET: signingSecret,
    DIRECTOR_HOME: home,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });
  const ready = await bot.waitForLog(/director bot ready/);
  const { port } = z.object({ port: z.number() }).parse(JSON.parse(ready));
  return { bot, port, url: `http://127.0.0.1:${port}/slack/events`, pid: bot.child.pid ?? 0 };
}
