import type { Clock } from '../../shared/clock.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';
import { GUESS_LIMITS, WrongGuesses, type GuessLimits } from './guesses.ts';
import { hashSecret, newPairingCode, newRunnerToken, normalizePairingCode, sameHash, splitRunnerToken } from './tokens.ts';

export const PAIRING_CODE_TTL_MS = 10 * 60 * 1000;

/** Why a pairing was refused, with the HTTP status the pairing route answers. */
export type PairRefusal = { status: 400 | 404 | 409 | 410 | 429; error: string; message: string };
export type PairResult = { ok: true; token: string; runner: RunnerRecord } | ({ ok: false } & PairRefusal);

export type AuthResult = { ok: true; runner: RunnerRecord } | { ok: false; reason: 'unknown' | 'revoked'; message: string };

export interface PairingOptions {
  store: RunnerStore;
  clock: Clock;
  codeTtlMs?: number;
  /** Wrong codes tolerated per source and per live code (guessing). */
  guessLimits?: Partial<GuessLimits>;
}

/** One-time pairing codes exchanged for long-lived runner tokens, and token checks. */
export class Pairing {
  private readonly guesses: WrongGuesses;

  constructor(private readonly options: PairingOptions) {
    this.guesses = new WrongGuesses({ ...GUESS_LIMITS, ...options.guessLimits });
  }

  /** A new code for `user` (of workspace `team`) in `channel`, valid for ten minutes and for one use; the runner it pairs is theirs. */
  createCode(channel: string, user: string, team: string | null = null): { code: string; expiresAt: number } {
    const { store, clock, codeTtlMs = PAIRING_CODE_TTL_MS } = this.options;
    const code = newPairingCode();
    const now = clock.now();
    store.addCode(hashSecret(code), channel, user, team, now, now + codeTtlMs);
    return { code, expiresAt: now + codeTtlMs };
  }

  /**
   * Exchanges a code for a runner token. The code is spent only when the exchange succeeds.
   * `source` (the caller's address) is who waits after too many wrong codes; nobody else does.
   */
  exchange(codeInput: string, name: string, source = 'local'): PairResult {
    const { store, clock, codeTtlMs = PAIRING_CODE_TTL_MS } = this.options;
    const now = clock.now();
    if (this.guesses.blocked(source, now)) {
      return { ok: false, status: 429, error: 'too_many_attempts', message: 'too many wrong pairing codes from this address: wait a minute and try again' };
    }
    const codeHash = hashSecret(normalizePairingCode(codeInput));
    return store.transaction((): PairResult => {
      const code = store.code(codeHash);
      if (!code) {
        this.guesses.record(source, now);
        return { ok: false, status: 404, error: 'unknown_code', message: 'this pairing code is not valid: run /director connect in Slack for a new one' };
      }
      if (code.used_at !== null) {
        return { ok: false, status: 410, error: 'code_used', message: 'this pairing code was already used: run /director connect in Slack for a new one' };
      }
      if (code.expires_at <= now) {
        return {
          ok: false,
          status: 410,
          error: 'code_expired',
          message: 'this pairing code expired (codes last 10 minutes): run /director connect in Slack for a new one',
        };
      }
      // The code's birth is its expiry less the TTL; enough wrong codes since then may have found it.
      if (this.guesses.exhaustedSince(code.expires_at - codeTtlMs)) {
        return {
          ok: false,
          status: 410,
          error: 'code_exposed',
          message: 'too many wrong pairing codes were tried while this code was valid, so it no longer works: run /director connect in Slack for a new one',
        };
      }
      // Names are unique per owner: two people may each have a "laptop".
      if (store.named(name).some((r) => r.created_by === code.created_by)) {
        return {
          ok: false,
          status: 409,
          error: 'name_taken',
          message: `you already have a runner named "${name}": choose another --name, or revoke it first with /director runners revoke ${name}`,
        };
      }
      store.useCode(codeHash, now);
      const { id, token, secretHash } = newRunnerToken();
      store.addRunner({ id, name, token_hash: secretHash, created_at: now, created_by: code.created_by, owner_team: code.team });
      const runner = store.byId(id);
      if (!runner) throw new Error(`runner ${id} vanished inside its transaction`);
      return { ok: true, token, runner };
    });
  }

  /**
   * Pairs a runner in this process (`director local`), replacing an earlier local one of that name.
   * With an owner it is theirs at once; without one it returns a one-time claim code the owner
   * types as `/director claim <code>`, and until then no channel can be bound to it.
   */
  pairLocal(name: string, owner?: { user: string; team: string | null }): { token: string; runner: RunnerRecord; claimCode?: string; replaced: string[] } {
    const { store, clock } = this.options;
    const now = clock.now();
    return store.transaction(() => {
      const replaced = store.named(name).filter((old) => old.created_by === (owner?.user ?? '') && store.revoke(old.id, now));
      const { id, token, secretHash } = newRunnerToken();
      const claimCode = owner ? undefined : newPairingCode();
      store.addRunner({
        id,
        name,
        token_hash: secretHash,
        created_at: now,
        created_by: owner?.user ?? '',
        owner_team: owner?.team ?? null,
        ...(claimCode && { claim_hash: hashSecret(claimCode) }),
      });
      const runner = store.byId(id);
      if (!runner) throw new Error(`runner ${id} vanished inside its transaction`);
      return { token, runner, replaced: replaced.map((r) => r.id), ...(claimCode && { claimCode }) };
    });
  }

  /** `/director claim <code>`: the person who types the code printed by `director local` owns that runner. */
  claim(codeInput: string, user: string, team: string): RunnerRecord | undefined {
    return this.options.store.claim(hashSecret(normalizePairingCode(codeInput)), user, team);
  }

  /** Checks a bearer token against the stored hash, in constant time. */
  authenticate(token: string): AuthResult {
    const unknown: AuthResult = {
      ok: false,
      reason: 'unknown',
      message: 'unknown runner token: pair this runner again (/director connect in Slack, then director runner pair)',
    };
    const parts = splitRunnerToken(token);
    if (!parts) return unknown;
    const runner = this.options.store.byId(parts.id);
    if (!runner || !sameHash(hashSecret(parts.secret), runner.token_hash)) return unknown;
    if (runner.revoked_at !== null) {
      return { ok: false, reason: 'revoked', message: `runner "${runner.name}" was revoked in Slack: pair it again with /director connect` };
    }
    return { ok: true, runner };
  }
}
