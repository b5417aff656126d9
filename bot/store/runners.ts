import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';
import { doctorSummarySchema, type DoctorSummary } from '../../shared/protocol.ts';

const runnerRow = z.object({
  id: z.string(),
  name: z.string(),
  token_hash: z.string(),
  created_at: z.number(),
  /** The Slack user who paired it: its owner ('' while a local runner waits to be claimed). */
  created_by: z.string(),
  /** The owner's workspace (null for runners paired before owners had one). */
  owner_team: z.string().nullable(),
  revoked_at: z.number().nullable(),
  last_seen: z.number().nullable(),
  capacity: z.number(),
  running: z.number(),
  agents: z.string().transform((s) => z.array(z.string()).parse(JSON.parse(s))),
  version: z.string().nullable(),
  /** What the runner said of its sandbox at its last hello (null: not said). */
  sandbox: z.string().nullable(),
  /** The project names its last hello listed (null: an older runner that does not say). */
  projects: z
    .string()
    .nullable()
    .transform((s) => (s === null ? null : z.array(z.string()).parse(JSON.parse(s)))),
  /** Its last doctor check, as its last hello said (null: not said). */
  doctor: z
    .string()
    .nullable()
    .optional()
    .transform((s) => (s ? (doctorSummarySchema.safeParse(JSON.parse(s)).data ?? null) : null)),
});
export type RunnerRecord = z.output<typeof runnerRow>;

const codeRow = z.object({
  code_hash: z.string(),
  channel: z.string(),
  created_by: z.string(),
  team: z.string().nullable(),
  expires_at: z.number(),
  used_at: z.number().nullable(),
});
export type PairingCodeRecord = z.output<typeof codeRow>;

/** Runners and pairing codes. Only hashes of tokens and codes are stored. */
export class RunnerStore {
  private readonly statements;

  constructor(private readonly db: Db) {
    this.statements = {
      insertRunner: db.prepare(
        `INSERT INTO runners (id, name, token_hash, created_at, created_by, owner_team, claim_hash) VALUES (@id, @name, @token_hash, @created_at, @created_by, @owner_team, @claim_hash)`,
      ),
      byId: db.prepare('SELECT * FROM runners WHERE id = ?'),
      named: db.prepare('SELECT * FROM runners WHERE name = ? AND revoked_at IS NULL ORDER BY created_at'),
      owned: db.prepare("SELECT * FROM runners WHERE created_by = ? AND created_by != '' AND revoked_at IS NULL ORDER BY name"),
      claimable: db.prepare("SELECT * FROM runners WHERE claim_hash = ? AND created_by = '' AND revoked_at IS NULL"),
      claim: db.prepare('UPDATE runners SET created_by = ?, owner_team = ?, claim_hash = NULL WHERE id = ?'),
      revoke: db.prepare('UPDATE runners SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL'),
      seen: db.prepare('UPDATE runners SET last_seen = ? WHERE id = ?'),
      hello: db.prepare('UPDATE runners SET last_seen = ?, capacity = ?, agents = ?, version = ?, sandbox = ?, projects = ?, doctor = ? WHERE id = ?'),
      status: db.prepare('UPDATE runners SET running = ?, capacity = ?, last_seen = ? WHERE id = ?'),
      insertCode: db.prepare('INSERT INTO pairing_codes (code_hash, channel, created_by, team, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)'),
      code: db.prepare('SELECT code_hash, channel, created_by, team, expires_at, used_at FROM pairing_codes WHERE code_hash = ?'),
      useCode: db.prepare('UPDATE pairing_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL'),
      pruneCodes: db.prepare('DELETE FROM pairing_codes WHERE expires_at < ?'),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  /** A new runner, owned by `created_by` in `owner_team`; a runner without an owner yet has `claim_hash` instead. */
  addRunner(runner: {
    id: string;
    name: string;
    token_hash: string;
    created_at: number;
    created_by: string;
    owner_team: string | null;
    claim_hash?: string;
  }): void {
    this.statements.insertRunner.run({ claim_hash: null, ...runner });
  }

  byId(id: string): RunnerRecord | undefined {
    return parseRow(runnerRow, this.statements.byId.get(id));
  }

  /** Active runners of this name, in any workspace and of any owner. */
  named(name: string): RunnerRecord[] {
    return parseRows(runnerRow, this.statements.named.all(name));
  }

  /** The active runners `user` owns in `team`. */
  ownedBy(user: string, team: string): RunnerRecord[] {
    return parseRows(runnerRow, this.statements.owned.all(user)).filter((r) => isOwner(r, user, team));
  }

  /** Gives an unclaimed runner (director local) its owner; undefined when no runner waits for this claim. */
  claim(claimHash: string, user: string, team: string): RunnerRecord | undefined {
    return this.transaction(() => {
      const runner = parseRow(runnerRow, this.statements.claimable.get(claimHash));
      if (!runner) return undefined;
      this.statements.claim.run(user, team, runner.id);
      return this.byId(runner.id);
    });
  }

  revoke(id: string, now: number): boolean {
    return this.statements.revoke.run(now, id).changes === 1;
  }

  markSeen(id: string, now: number): void {
    this.statements.seen.run(now, id);
  }

  markHello(
    id: string,
    hello: {
      capacity: number;
      agents: string[];
      version: string;
      sandbox?: string | undefined;
      projects?: string[] | undefined;
      doctor?: DoctorSummary | undefined;
    },
    now: number,
  ): void {
    this.statements.hello.run(
      now,
      hello.capacity,
      JSON.stringify(hello.agents),
      hello.version,
      hello.sandbox ?? null,
      hello.projects === undefined ? null : JSON.stringify(hello.projects),
      hello.doctor ? JSON.stringify(hello.doctor) : null,
      id,
    );
  }

  markStatus(id: string, status: { running: number; capacity: number }, now: number): void {
    this.statements.status.run(status.running, status.capacity, now, id);
  }

  addCode(codeHash: string, channel: string, createdBy: string, team: string | null, now: number, expiresAt: number): void {
    this.statements.pruneCodes.run(now - 24 * 60 * 60 * 1000);
    this.statements.insertCode.run(codeHash, channel, createdBy, team, now, expiresAt);
  }

  code(codeHash: string): PairingCodeRecord | undefined {
    return parseRow(codeRow, this.statements.code.get(codeHash));
  }

  useCode(codeHash: string, now: number): boolean {
    return this.statements.useCode.run(now, codeHash).changes === 1;
  }
}

/** The runner's owner: the person who paired it, in their workspace. */
export function isOwner(runner: RunnerRecord, user: string, team: string): boolean {
  return runner.created_by !== '' && runner.created_by === user && (runner.owner_team === null || runner.owner_team === team);
}
