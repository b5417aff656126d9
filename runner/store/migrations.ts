import type { Migration } from '../../shared/db/open.ts';
import { linkTablesSql } from '../../shared/link/store.ts';

/** The runner's schema, in order. Append only: a released migration never changes. */
export const runnerMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'runner link and state',
    sql: `
      ${linkTablesSql}
      CREATE TABLE runner_state (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];
