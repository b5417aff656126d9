import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Migration } from '../../shared/db/open.ts';

const first: Migration = { version: 1, name: 'notes', sql: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)' };
const second: Migration = { version: 2, name: 'note tags', sql: 'ALTER TABLE notes ADD COLUMN tag TEXT' };

describe('openDatabase', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'director-db-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file in WAL mode with a busy timeout and applies migrations once', () => {
    const file = join(dir, 'nested', 'bot.sqlite');
    const db = openDatabase({ file, migrations: [first], busyTimeoutMs: 2500 });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('busy_timeout', { simple: true })).toBe(2500);
    db.prepare('INSERT INTO notes (text) VALUES (?)').run('kept');
    db.close();

    const again = openDatabase({ file, migrations: [first, second] });
    expect(again.prepare('SELECT text, tag FROM notes').all()).toEqual([{ text: 'kept', tag: null }]);
    expect(again.prepare('SELECT version FROM schema_migrations ORDER BY version').all()).toEqual([{ version: 1 }, { version: 2 }]);
    again.close();
  });

  it('refuses a database written by a newer version', () => {
    const file = join(dir, 'bot.sqlite');
    openDatabase({ file, migrations: [first, second] }).close();
    expect(() => openDatabase({ file, migrations: [first] })).toThrow(/schema version 2 .* upgrade Director/);
  });

  it('rolls back a failing migration and names it', () => {
    const file = join(dir, 'bot.sqlite');
    const broken: Migration = { version: 2, name: 'broken', sql: 'ALTER TABLE notes ADD COLUMN a TEXT; ALTER TABLE nope ADD COLUMN b TEXT' };
    expect(() => openDatabase({ file, migrations: [first, broken] })).toThrow(/migration 2 \(broken\) failed/);
    const db = openDatabase({ file, migrations: [first] });
    expect(db.prepare('SELECT name FROM pragma_table_info(?)').all('notes')).toEqual([{ name: 'id' }, { name: 'text' }]);
    db.close();
  });

  it('rejects migrations that are not numbered 1, 2, 3', () => {
    expect(() => openDatabase({ file: ':memory:', migrations: [second] })).toThrow(/numbered 1, 2, 3/);
  });
});

describe('openDatabase file modes', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'director-db-modes-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const mode = (path: string) => statSync(path).mode & 0o777;

  it('makes a new home 0700 and the database, -wal and -shm 0600', () => {
    const home = join(dir, 'home', 'director');
    const file = join(home, 'bot.sqlite');
    const db = openDatabase({ file, migrations: [first] });
    db.prepare('INSERT INTO notes (text) VALUES (?)').run('hello');
    expect(mode(home)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(mode(path), path).toBe(0o600);
    db.close();
  });

  it('tightens a home and files an older Director left readable to others', () => {
    const file = join(dir, 'runner.sqlite');
    openDatabase({ file, migrations: [first] }).close();
    for (const path of [file, `${file}-wal`, `${file}-shm`]) writeFileSync(path, '', { flag: 'a' });
    chmodSync(dir, 0o755);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) chmodSync(path, 0o644);
    const db = openDatabase({ file, migrations: [first] });
    expect(mode(dir)).toBe(0o700);
    for (const path of [file, `${file}-wal`, `${file}-shm`]) expect(mode(path), path).toBe(0o600);
    db.close();
  });
});
