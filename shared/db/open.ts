import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { z } from 'zod';
import { DirectorError } from '../errors.ts';
import { privateDirectory, privateFile } from '../private-files.ts';

export type Db = Database.Database;

/** One numbered schema step. Versions start at 1 and never change once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export interface OpenDatabaseOptions {
  /** A file path, or ':memory:' for tests that need no file. */
  file: string;
  migrations: readonly Migration[];
  /** How long a writer waits for another process's lock before SQLITE_BUSY. */
  busyTimeoutMs?: number;
}

/**
 * Opens a SQLite database in WAL mode with a busy timeout and brings its schema up to date.
 * Refuses a database written by a newer Director rather than guessing. The file and its
 * directory are private (0600, 0700); SQLite gives -wal and -shm the database file's mode.
 */
export function openDatabase({ file, migrations, busyTimeoutMs = 5000 }: OpenDatabaseOptions): Db {
  if (file !== ':memory:') {
    privateDirectory(dirname(file));
    privateFile(file, true);
    // Left by an older Director with the umask's mode.
    privateFile(`${file}-wal`);
    privateFile(`${file}-shm`);
  }
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db, file, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function migrate(db: Db, file: string, migrations: readonly Migration[]): void {
  checkNumbering(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const row = z.object({ version: z.number().nullable() }).parse(db.prepare('SELECT MAX(version) AS version FROM schema_migrations').get());
  const current = row.version ?? 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new DirectorError(
      'database_too_new',
      `${file} has schema version ${current} but this Director knows only up to ${latest}: upgrade Director, or point DIRECTOR_HOME at another directory.`,
    );
  }
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    try {
      db.transaction(() => {
        db.exec(migration.sql);
        record.run(migration.version, migration.name, new Date().toISOString());
      })();
    } catch (cause) {
      throw new DirectorError(
        'database_migration_failed',
        `migration ${migration.version} (${migration.name}) failed on ${file}; the database was left at version ${current}.`,
        { cause },
      );
    }
  }
}

function checkNumbering(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(`migrations must be numbered 1, 2, 3, …: found ${migration.version} at position ${index + 1}`);
    }
  });
}
