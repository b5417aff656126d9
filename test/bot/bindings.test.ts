import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Announcements } from '../../bot/director/announcements.ts';
import { Bindings } from '../../bot/director/bindings.ts';
import type { CommandContext } from '../../bot/director/command.ts';
import { Pairing } from '../../bot/runners/pairing.ts';
import { directMessageChannel } from '../../bot/slack/dm.ts';
import { SlackOutbox } from '../../bot/slack/outbox.ts';
import { webApiPort } from '../../bot/slack/web-api-port.ts';
import { AuditStore } from '../../bot/store/audit.ts';
import { BindingStore } from '../../bot/store/bindings.ts';
import { botMigrations } from '../../bot/store/migrations.ts';
import { RunnerStore } from '../../bot/store/runners.ts';
import { SlackMessageStore } from '../../bot/store/slack-messages.ts';
import { systemClock } from '../../shared/clock.ts';
import { openDatabase, type Db } from '../../shared/db/open.ts';
import { createLogger } from '../../shared/log.ts';
import { createRedactor } from '../../shared/redact.ts';
import { startSlackEmulator, type SlackEmulator } from '../../emulators/slack/index.ts';
import { until } from '../../emulators/support/until.ts';

/** Binding requests and their answers, with real stores and a real outbox against the Slack emulator. */
describe('binding a channel to a runner', () => {
  let emu: SlackEmulator;
  let db: Db;
  let bindings: BindingStore;
  let runners: RunnerStore;
  let binder: Bindings;
  let outbox: SlackOutbox;
  let demo: string;
  let other: string;
  const ctx = (user: string, channel: string): CommandContext => ({ user, channel, team: 'T0DIRECTOR', slashCommand: '/director' });

  beforeEach(async () => {
    emu = await startSlackEmulator();
    for (const [id, name] of [
      ['U0ALICE', 'alice'],
      ['U0BOB', 'bob'],
      ['U0MALLORY', 'mallory'],
    ] as const)
      emu.addUser({ id, name });
    demo = emu.addChannel({ name: 'demo', members: ['U0ALICE', 'U0BOB'] }).id;
    other = emu.addChannel({ name: 'other', members: ['U0MALLORY', 'U0BOB'] }).id;
    db = openDatabase({ file: ':memory:', migrations: botMigrations });
    const client = new WebClient(emu.botToken, { slackApiUrl: emu.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true });
    const log = createLogger({ level: 'silent', redact: createRedactor() });
    outbox = new SlackOutbox({ api: webApiPort(client), store: new SlackMessageStore(db), clock: systemClock, log });
    bindings = new BindingStore(db);
    runners = new RunnerStore(db);
    const announcements = new Announcements({ audit: new AuditStore(db), outbox, clock: systemClock, log });
    binder = new Bindings({ bindings, runners, outbox, announcements, directMessage: directMessageChannel(client), clock: systemClock, log });
    const pairing = new Pairing({ store: runners, clock: systemClock });
    const paired = pairing.exchange(pairing.createCode(demo, 'U0ALICE', 'T0DIRECTOR').code, 'laptop');
    if (!paired.ok) throw new Error(paired.message);
  });

  afterEach(async () => {
    outbox.stop();
    await outbox.idle();
    db.close();
    await emu.close();
  });

  /** The id on the newest request in alice's direct messages that still has its buttons (other than `except`). */
  const requestId = async (except?: string) => {
    const idOf = (blocks: unknown) => /"value":"(b[0-9a-f]+)"/.exec(JSON.stringify(blocks ?? []))?.[1];
    const message = await until(
      () => emu.directMessages('U0ALICE').find((m) => idOf(m.blocks) !== undefined && idOf(m.blocks) !== except),
      10_000,
      'the request',
    );
    return idOf(message.blocks) ?? '';
  };

  it('takes an answer only from the runner’s owner, once', async () => {
    expect(binder.init({ kind: 'init', repo: 'acme/demo', runner: 'laptop' }, ctx('U0MALLORY', other))).toContain('Asked <@U0ALICE>');
    // Asking again does not pile up requests.
    binder.init({ kind: 'init', repo: 'acme/demo', runner: 'laptop' }, ctx('U0MALLORY', other));
    const id = await requestId();
    expect(emu.directMessages('U0ALICE').filter((m) => JSON.stringify(m.blocks ?? []).includes('binding_approve'))).toHaveLength(1);

    expect(binder.decide(id, true, 'U0MALLORY', 'T0DIRECTOR')).toContain('Only the owner of runner *laptop*');
    expect(binder.decide(id, true, 'U0ALICE', 'T0OTHERORG')).toContain('Only the owner');
    expect(bindings.binding(other)).toBeUndefined();
    expect(binder.decide(id, true, 'U0ALICE', 'T0DIRECTOR')).toContain('Approved');
    expect(bindings.binding(other)).toMatchObject({ repo: 'acme/demo', maintainers: ['U0MALLORY'] });
    expect(binder.decide(id, false, 'U0ALICE', 'T0DIRECTOR')).toContain('already answered');
  });

  it('does not let an approval overtake the channel’s maintainers, nor bind a revoked runner', async () => {
    binder.init({ kind: 'init', repo: 'acme/demo', runner: 'laptop' }, ctx('U0BOB', other));
    const id = await requestId();
    // Meanwhile mallory binds #other to a runner of her own and becomes its maintainer.
    const pairing = new Pairing({ store: runners, clock: systemClock });
    const hers = pairing.exchange(pairing.createCode(other, 'U0MALLORY', 'T0DIRECTOR').code, 'desk');
    if (!hers.ok) throw new Error(hers.message);
    expect(binder.init({ kind: 'init', repo: 'mallory/app', runner: 'desk' }, ctx('U0MALLORY', other))).toContain('now directs');
    expect(binder.decide(id, true, 'U0ALICE', 'T0DIRECTOR')).toContain('bound by someone else');
    expect(bindings.binding(other)?.repo).toBe('mallory/app');

    binder.init({ kind: 'init', repo: 'acme/demo', runner: 'laptop' }, ctx('U0BOB', demo));
    const second = await requestId(id);
    const laptop = runners.ownedBy('U0ALICE', 'T0DIRECTOR')[0];
    if (!laptop) throw new Error('no laptop');
    runners.revoke(laptop.id, systemClock.now());
    binder.runnerRevoked(laptop, 'U0ALICE');
    expect(binder.decide(second, true, 'U0ALICE', 'T0DIRECTOR')).toContain('revoked');
    expect(bindings.binding(demo)).toBeUndefined();
  });
});

describe('the bot’s bindings across the upgrade to owners and named verification', () => {
  it('binds existing channels to their runner by id and drops verification command lines', () => {
    const dir = mkdtempSync(join(tmpdir(), 'director-migrate-'));
    const file = join(dir, 'bot.sqlite');
    try {
      const before = openDatabase({ file, migrations: botMigrations.filter((m) => m.version <= 4) });
      before.prepare("INSERT INTO runners (id, name, token_hash, created_at, created_by) VALUES ('r1', 'laptop', 'h', 1, 'U0ALICE')").run();
      const channel = before.prepare(
        "INSERT INTO channels (channel, repo, project, runner, maintainers, verify, updated_at) VALUES (?, 'acme/demo', 'demo', 'laptop', '[\"U0ALICE\"]', ?, 1)",
      );
      channel.run('C1', 'npm run test:ci');
      channel.run('C2', 'unit');
      before.close();
      const after = openDatabase({ file, migrations: botMigrations });
      const bindings = new BindingStore(after);
      expect(bindings.binding('C1')).toMatchObject({ runner_id: 'r1', verify: null });
      expect(bindings.binding('C2')).toMatchObject({ runner_id: 'r1', verify: 'unit' });
      after.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
