import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MAX_FACTS, ProjectMemory } from '../../bot/director/memory.ts';
import { SlackDeliveryStore } from '../../bot/store/slack-deliveries.ts';
import { botMigrations } from '../../bot/store/migrations.ts';
import { openDatabase, type Db } from '../../shared/db/open.ts';

describe('a channel’s project memory', () => {
  let db: Db;
  let memory: ProjectMemory;

  beforeEach(() => {
    db = openDatabase({ file: ':memory:', migrations: botMigrations });
    memory = new ProjectMemory(db);
  });

  afterEach(() => db.close());

  it('gives entries ids that never shift, keeps channels apart, and replaces a task’s digest when it finishes again', () => {
    memory.addDigest('C1', 'ta', 'Fixed the login redirect', 1);
    const fact = memory.remember('C1', 'Deploys happen on Tuesdays', 'U1', 2) ?? expect.fail('not remembered');
    memory.addDigest('C2', 'tb', 'Other channel', 3);
    memory.addDigest('C1', 'ta', 'Fixed the login redirect, and its test', 4);
    expect(memory.list('C1').map((e) => e.text)).toEqual(['Fixed the login redirect, and its test', 'Deploys happen on Tuesdays']);
    const digest = memory.list('C1')[0];
    if (!digest) throw new Error('no digest');
    memory.remove(digest.id);
    // The fact keeps its number after the entry before it went.
    expect(memory.entry('C1', fact)?.text).toBe('Deploys happen on Tuesdays');
    expect(memory.list('C1').map((e) => e.id)).toEqual([fact]);
    // Another channel's entry is not reachable from here.
    const other = memory.list('C2')[0]?.id ?? 0;
    expect(memory.entry('C1', other)).toBeUndefined();
  });

  it('keeps at most 200 entries, dropping the oldest task digests but never a remembered fact', () => {
    memory.remember('C1', 'A fact from the start', 'U1', 0);
    for (let i = 0; i < 250; i++) memory.addDigest('C1', `t${i}`, `digest ${i}`, i);
    const entries = memory.list('C1');
    expect(entries).toHaveLength(200);
    expect(entries[0]?.text).toBe('A fact from the start');
    expect(entries[1]?.text).toBe('digest 51');
    expect(entries.at(-1)?.text).toBe('digest 249');
  });

  it('gives a new task the facts first, then the digests that share its words, within the budget', () => {
    memory.addDigest('C1', 't1', 'Parser: switched to streaming because files are large', 1);
    memory.addDigest('C1', 't2', 'Login: fixed the redirect loop on logout', 2);
    memory.addDigest('C1', 't3', 'Styles: dark mode colours', 3);
    memory.remember('C1', 'Never edit generated files under src/gen', 'U1', 4);
    const text = memory.relevant('C1', 'The login page redirects forever after logout') ?? '';
    const order = ['Never edit generated', 'Login: fixed', 'Styles: dark mode', 'Parser: switched'].map((s) => text.indexOf(s));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect(order[0]).toBeLessThan(order[1] ?? -1);
    expect(order[1]).toBeLessThan(order[2] ?? -1);

    const small = memory.relevant('C1', 'login redirect', 120) ?? '';
    expect(small.length).toBeLessThanOrEqual(120);
    expect(small).toContain('Never edit generated');
    expect(small).not.toContain('Parser');
    expect(memory.relevant('C9', 'anything')).toBeUndefined();
  });

  it('remembers at most MAX_FACTS facts per channel and says so instead of growing', () => {
    for (let i = 0; i < MAX_FACTS; i++) expect(memory.remember('C1', `fact ${i}`, 'U1', i)).toBeDefined();
    expect(memory.remember('C1', 'one too many', 'U1', MAX_FACTS)).toBeUndefined();
    expect(memory.list('C1')).toHaveLength(MAX_FACTS);
    expect(memory.remember('C2', 'another channel has room', 'U1', 0)).toBeDefined();
  });
});

describe('remembered Slack deliveries', () => {
  it('forget ids older than a day while the bot runs, so the table stays bounded', () => {
    const db = openDatabase({ file: ':memory:', migrations: botMigrations });
    const deliveries = new SlackDeliveryStore(db);
    const hour = 60 * 60 * 1000;
    for (let i = 0; i < 5000; i++) deliveries.firstSeen(`event:${i}`, i * (hour / 50));
    const kept = z.object({ n: z.number() }).parse(db.prepare('SELECT COUNT(*) AS n FROM slack_deliveries').get());
    // 50 an hour for 100 hours: about a day's worth (plus one pruning interval) is kept, not 5,000.
    expect(kept.n).toBeLessThan(24 * 50 + 500 + 1);
    expect(deliveries.firstSeen('event:4999', 5000 * (hour / 50))).toBe(false);
    db.close();
  });
});
