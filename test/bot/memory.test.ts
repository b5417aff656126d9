import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectMemory } from '../../bot/director/memory.ts';
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
    const fact = memory.remember('C1', 'Deploys happen on Tuesdays', 'U1', 2);
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
});
