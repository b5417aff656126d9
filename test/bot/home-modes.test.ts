import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { startBotAgainst } from '../../emulators/support/bot-harness.ts';
import { runnerDatabase } from '../../runner/main.ts';

const mode = (path: string) => statSync(path).mode & 0o777;

describe('DIRECTOR_HOME is private to its user', () => {
  let dir: string;
  let emu: SlackEmulator;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'director-modes-'));
    emu = await startSlackEmulator();
  });

  afterEach(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the bot creates its home 0700 and bot.sqlite with -wal and -shm 0600', async () => {
    const home = join(dir, 'bot-home');
    const harness = await startBotAgainst(emu, { mode: 'http', home });
    try {
      expect(mode(home)).toBe(0o700);
      for (const file of ['bot.sqlite', 'bot.sqlite-wal', 'bot.sqlite-shm']) expect(mode(join(home, file)), file).toBe(0o600);
    } finally {
      await harness.stop();
    }
  });

  it('the runner creates its home 0700 and runner.sqlite with -wal and -shm 0600', () => {
    const home = join(dir, 'runner-home');
    const db = runnerDatabase(home);
    try {
      expect(mode(home)).toBe(0o700);
      for (const file of ['runner.sqlite', 'runner.sqlite-wal', 'runner.sqlite-shm']) expect(mode(join(home, file)), file).toBe(0o600);
    } finally {
      db.close();
    }
  });
});
