import { join } from 'node:path';
import { openDatabase, type Db } from '../../shared/db/open.ts';
import { runnerMigrations } from './migrations.ts';

/** The runner's SQLite file in its home, migrated. */
export function runnerDatabase(home: string): Db {
  return openDatabase({ file: join(home, 'runner.sqlite'), migrations: runnerMigrations });
}
