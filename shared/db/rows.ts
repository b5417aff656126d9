import type { z } from 'zod';

/** Parses one row read from SQLite, so a schema drift fails loudly instead of flowing on as a wrong type. */
export function parseRow<S extends z.ZodType>(schema: S, row: unknown): z.output<S> | undefined {
  return row === undefined ? undefined : schema.parse(row);
}

export function parseRows<S extends z.ZodType>(schema: S, rows: unknown[]): z.output<S>[] {
  return rows.map((row) => schema.parse(row));
}
