import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';

const runnerRow = z.object({
  id: z.string(),
  name: z.string(),
  token_hash: z.string(),
  created_at: z.number(),
  created_by: z.string(),
  revoked_at: z.number().nullable(),
  last_seen: z.number().nullable(),
  capacity: z.number(),
  running: z.number(),
  agents: z.string().transform((s) => z.array(z.string()).parse(JSON.parse(s))),
  version: z.string().nullable(),
});
export type RunnerRecord = z.output<typeof runnerRow>;

const codeRow = z.object({
  code_hash: z.string(),
  channel: z.string(),
  created_by: z.string(),
  expires_at: z.number(),
  used_at: z.number().nullable(),
});
export type PairingCodeRecord = z.output<typeof codeRow>;

/** Runners and pairing codes. Only hashes of tokens and codes are stored. */
export class RunnerStore {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      insertRunner: db.prepare(`INSERT INTO runners (id, name, token_hash, created_at, created_by) VALUES (@id, @name, @token_hash, @created_at, @created_by)`),
      byId: db.prepare('SELECT * FROM runners WHERE id = ?'),
      activeByName: db.prepare('SELECT * FROM runners WHERE name = ? AND revoked_at IS NULL'),
      active: db.prepare('SELECT * FROM runners WHERE revoked_at IS NULL ORDER BY name'),
      revoke: db.prepare('UPDATE runners SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      seen: db.prepare('UPDATE runners SET last_seen = ? WHERE id = ?'),
      hello: db.prepare('UPDATE runners SET last_seen = ?, capacity = ?, agents = ?, version = ? WHERE id = ?'),
      status: db.prepare('UPDATE runners SET running = ?, capacity = ?, last_seen = ? WHERE id = ?'),
      insertCode: db.prepare('INSERT INTO pairing_codes (code_hash, channel, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)'),
      code: db.prepare('SELECT code_hash, channel, created_by, expires_at, used_at FROM pairing_codes WHERE code_hash = ?'),
      useCode: db.prepare('UPDATE pairing_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL'),
      pruneCodes: db.prepare('DELETE FROM pairing_codes WHERE expires_at < ?'),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  addRunner(runner: { id: string; name: string; token_hash: string; created_at: number; created_by: string }): void {
    this.statements.insertRunner.run(runner);
  }

  byId(id: string): RunnerRecord | undefined {
    return parseRow(runnerRow, this.statements.byId.get(id));
  }

  activeByName(name: string): RunnerRecord | undefined {
    return parseRow(runnerRow, this.statements.activeByName.get(name));
  }

  active(): RunnerRecord[] {
    return parseRows(runnerRow, this.statements.active.all());
  }

  revoke(id: string, now: number): boolean {
    return this.statements.revoke.run(now, id).changes === 1;
  }

  markSeen(id: string, now: number): void {
    this.statements.seen.run(now, id);
  }

  markHello(id: string, hello: { capacity: number; agents: string[]; version: string }, now: number): void {
    this.statements.hello.run(now, hello.capacity, JSON.stringify(hello.agents), hello.version, id);
  }

  markStatus(id: string, status: { running: number; capacity: number }, now: number): void {
    this.statements.status.run(status.running, status.capacity, now, id);
  }

  addCode(codeHash: string, channel: string, createdBy: string, now: number, expiresAt: number): void {
    this.statements.pruneCodes.run(now - 24 * 60 * 60 * 1000);
    this.statements.insertCode.run(codeHash, channel, createdBy, now, expiresAt);
  }

  code(codeHash: string): PairingCodeRecord | undefined {
    return parseRow(codeRow, this.statements.code.get(codeHash));
  }

  useCode(codeHash: string, now: number): boolean {
    return this.statements.useCode.run(now, codeHash).changes === 1;
  }
}
