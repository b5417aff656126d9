import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotConfig } from '../../bot/config.ts';
import { startBot, type RunningBot, type StartBotOptions } from '../../bot/main.ts';
import type { SlackEmulator } from '../slack/index.ts';

export const signingSecret = 'harnesssigningsecret0123';

/** A real bot (real Bolt, real WebClient, real SQLite) started against the Slack emulator. */
export interface BotUnderTest {
  bot: RunningBot;
  home: string;
  logs: string[];
  /** The URL Slack posts to in HTTP mode. */
  eventsUrl: string;
  stop(): Promise<void>;
}

export interface HarnessOptions extends Omit<StartBotOptions, 'config' | 'logSink'> {
  mode: 'socket' | 'http';
  home?: string;
}

export async function startBotAgainst(emu: SlackEmulator, { mode, home, ...rest }: HarnessOptions): Promise<BotUnderTest> {
  const dir = home ?? mkdtempSync(join(tmpdir(), 'director-bot-'));
  const config: BotConfig = {
    slack: {
      botToken: emu.botToken,
      apiUrl: emu.apiUrl,
      connection: mode === 'socket' ? { mode, appToken: emu.appToken } : { mode, signingSecret },
    },
    port: 0,
    host: '127.0.0.1',
    publicUrl: 'http://127.0.0.1',
    home: dir,
    logLevel: 'debug',
  };
  const logs: string[] = [];
  const bot = await startBot({ config, logSink: { write: (line) => logs.push(line) }, ...rest });
  const eventsUrl = `http://127.0.0.1:${bot.port}/slack/events`;
  if (mode === 'http') emu.useHttp({ requestUrl: eventsUrl, signingSecret });
  return {
    bot,
    home: dir,
    logs,
    eventsUrl,
    stop: async () => {
      await bot.stop();
      if (!home) rmSync(dir, { recursive: true, force: true });
    },
  };
}
