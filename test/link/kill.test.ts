import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { botMigrations } from '../../bot/store/migrations.ts';
import { runnerDatabase, startRunner, type RunningRunner } from '../../runner/main.ts';
import { openDatabase } from '../../shared/db/open.ts';
import { credentials, receivedNotes, recordNotes, runnerConfig, startHub, type HubUnderTest } from '../support/link-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';
import { until } from '../../emulators/support/until.ts';

const COUNT = 3000;
const range = (n: number) => Array.from({ length: n }, (_, i) => i);
const tsx = fileURLToPath(new URL('../../bin/tsx.js', import.meta.url));
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function spawnFixture(name: string, args: string[]): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, [tsx, fixture(name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (c: Buffer) => (err += c.toString()));
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (c: Buffer) => resolve(c.toString()));
    child.once('exit', (code) => reject(new Error(`${name} exited ${code}: ${err}`)));
  });
  return { child, ready };
}

async function kill9(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('kill -9 mid-stream', () => {
  let home: ReturnType<typeof tempHome>;
  const children: ChildProcess[] = [];

  beforeEach(() => {
    home = tempHome();
  });

  afterEach(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) await kill9(child);
    home.remove();
  });

  it('of the runner: after a restart nothing is lost and nothing handled twice', async () => {
    const hub: HubUnderTest = await startHub({ file: `${home.dir}/bot.sqlite`, tuning: { heartbeatMs: 1000 } });
    try {
      const { token, runnerId } = hub.pair('laptop');
      let sent = 0;
      const producer = setInterval(() => {
        for (let i = 0; i < 10 && sent < COUNT; i++, sent++) hub.hub.send(runnerId, { type: 'note', text: `b${sent}`, n: sent });
      }, 2);
      const args = [`${home.dir}/runner`, hub.url, token, 'laptop', String(COUNT)];
      const first = spawnFixture('link-runner.ts', args);
      children.push(first.child);
      await first.ready;
      await until(() => receivedNotes(hub.db).length > COUNT / 4, 30_000, 'some frames from the runner');
      await kill9(first.child);
      expect(receivedNotes(hub.db).length, 'killed mid-stream').toBeLessThan(COUNT);
      const second = spawnFixture('link-runner.ts', args);
      children.push(second.child);
      await second.ready;

      await until(() => receivedNotes(hub.db).length >= COUNT, 40_000, 'every runner frame at the bot');
      const runnerDb = runnerDatabase(`${home.dir}/runner`);
      try {
        await until(() => receivedNotes(runnerDb).length >= COUNT, 40_000, 'every bot frame at the runner');
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(receivedNotes(hub.db)).toEqual(range(COUNT));
        expect(receivedNotes(runnerDb)).toEqual(range(COUNT));
      } finally {
        runnerDb.close();
        clearInterval(producer);
      }
    } finally {
      await hub.stop();
    }
  });

  it('of the bot: after a restart on the same port nothing is lost and nothing handled twice', async () => {
    const file = `${home.dir}/bot.sqlite`;
    const setup = await startHub({ file });
    const { token, runnerId } = setup.pair('laptop');
    const port = setup.port;
    await setup.stop();

    const args = [file, String(port), runnerId, String(COUNT)];
    const first = spawnFixture('link-bot.ts', args);
    children.push(first.child);
    await first.ready;

    let record: ReturnType<typeof recordNotes> | undefined;
    const runner: RunningRunner = startRunner({
      config: runnerConfig(`${home.dir}/runner`, 1000),
      credentials: credentials(`http://127.0.0.1:${port}`, 'laptop', token),
      handle: (frame, _seq, db) => (record ??= recordNotes(db))(frame),
      backoff: { baseMs: 20, capMs: 200 },
    });
    record ??= recordNotes(runner.db);
    let sent = 0;
    const producer = setInterval(() => {
      for (let i = 0; i < 10 && sent < COUNT; i++, sent++) runner.endpoint.send({ type: 'note', text: `r${sent}`, n: sent });
    }, 2);
    const botDb = openDatabase({ file, migrations: botMigrations });
    try {
      await until(() => receivedNotes(runner.db).length > COUNT / 4, 30_000, 'some frames from the bot');
      await kill9(first.child);
      expect(receivedNotes(runner.db).length, 'killed mid-stream').toBeLessThan(COUNT);
      const second = spawnFixture('link-bot.ts', args);
      children.push(second.child);
      await second.ready;

      await until(() => receivedNotes(runner.db).length >= COUNT && receivedNotes(botDb).length >= COUNT, 40_000, 'every frame on both sides');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(receivedNotes(runner.db)).toEqual(range(COUNT));
      expect(receivedNotes(botDb)).toEqual(range(COUNT));
    } finally {
      clearInterval(producer);
      botDb.close();
      await runner.stop();
    }
  });
});
