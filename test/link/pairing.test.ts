import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Pairing, PAIRING_CODE_TTL_MS } from '../../bot/runners/pairing.ts';
import { botMigrations } from '../../bot/store/migrations.ts';
import { RunnerStore } from '../../bot/store/runners.ts';
import { openDatabase, type Db } from '../../shared/db/open.ts';
import { VirtualClock } from '../support/virtual-clock.ts';

describe('pairing codes and runner tokens', () => {
  let db: Db;
  let clock: VirtualClock;
  let pairing: Pairing;

  beforeEach(() => {
    db = openDatabase({ file: ':memory:', migrations: botMigrations });
    clock = new VirtualClock();
    pairing = new Pairing({ store: new RunnerStore(db), clock, guessLimits: { perSourcePerMinute: 5, perCode: 20 } });
  });
  afterEach(() => db.close());

  it('exchanges a good code once for a token that authenticates', () => {
    const { code } = pairing.createCode('C1', 'U1');
    const first = pairing.exchange(code, 'laptop');
    if (!first.ok) throw new Error(first.message);
    expect(first.runner).toMatchObject({ name: 'laptop', created_by: 'U1' });
    expect(pairing.authenticate(first.token)).toMatchObject({ ok: true, runner: { name: 'laptop' } });
    expect(db.prepare('SELECT token_hash FROM runners').get()).not.toMatchObject({ token_hash: first.token });

    expect(pairing.exchange(code, 'desktop')).toMatchObject({ ok: false, status: 410, error: 'code_used' });
  });

  it('accepts a code typed in lower case without the dash', () => {
    const { code } = pairing.createCode('C1', 'U1');
    expect(pairing.exchange(code.toLowerCase().replace('-', ''), 'laptop')).toMatchObject({ ok: true });
  });

  it('refuses a code after its ten minutes, and a guessed one', () => {
    const { code } = pairing.createCode('C1', 'U1');
    clock.advance(PAIRING_CODE_TTL_MS);
    expect(pairing.exchange(code, 'laptop')).toMatchObject({ ok: false, status: 410, error: 'code_expired' });
    const guessed = pairing.exchange('ABCD-EFGH', 'laptop');
    expect(guessed).toMatchObject({ ok: false, status: 404 });
    expect(guessed.ok || guessed.message).toContain('/director connect');
  });

  it('holds back only the source of repeated wrong guesses, for a minute', () => {
    const { code } = pairing.createCode('C1', 'U1');
    for (let i = 0; i < 50; i++) pairing.exchange(`ZZZZ-ZZ${String(i).padStart(2, '0')}`, 'x', '203.0.113.9');
    expect(pairing.exchange('ZZZZ-ZZZZ', 'x', '203.0.113.9')).toMatchObject({ ok: false, status: 429 });
    expect(pairing.exchange(code, 'laptop', '198.51.100.7')).toMatchObject({ ok: true });
    clock.advance(61_000);
    expect(pairing.exchange('ZZZZ-ZZZZ', 'x', '203.0.113.9')).toMatchObject({ ok: false, status: 404 });
  });

  it('retires a code once many sources together have guessed too often while it was valid', () => {
    const { code } = pairing.createCode('C1', 'U1');
    for (let source = 0; source < 4; source++) {
      for (let i = 0; i < 5; i++) expect(pairing.exchange(`ZZZZ-ZZZ${i}`, 'x', `203.0.113.${source}`)).toMatchObject({ status: 404 });
    }
    const retired = pairing.exchange(code, 'laptop', '198.51.100.7');
    expect(retired).toMatchObject({ ok: false, status: 410, error: 'code_exposed' });
    expect(retired.ok || retired.message).toContain('/director connect');
    clock.advance(1);
    expect(pairing.exchange(pairing.createCode('C1', 'U1').code, 'laptop', '198.51.100.7')).toMatchObject({ ok: true });
  });

  it('keeps runner names unique per owner without spending the code; another person may have a runner of that name', () => {
    pairing.exchange(pairing.createCode('C1', 'U1').code, 'laptop');
    const { code } = pairing.createCode('C1', 'U1');
    const taken = pairing.exchange(code, 'laptop');
    expect(taken).toMatchObject({ ok: false, status: 409 });
    expect(taken.ok || taken.message).toContain('runners revoke laptop');
    expect(pairing.exchange(code, 'desktop')).toMatchObject({ ok: true });
    const theirs = pairing.exchange(pairing.createCode('C2', 'U2').code, 'laptop');
    expect(theirs).toMatchObject({ ok: true, runner: { name: 'laptop', created_by: 'U2' } });
  });

  it('refuses a revoked token, a forged secret and a malformed token', () => {
    const paired = pairing.exchange(pairing.createCode('C1', 'U1').code, 'laptop');
    if (!paired.ok) throw new Error(paired.message);
    const forged = `${paired.token.slice(0, -1)}${paired.token.endsWith('x') ? 'y' : 'x'}`;
    expect(pairing.authenticate(forged)).toMatchObject({ ok: false, reason: 'unknown' });
    expect(pairing.authenticate('not-a-token')).toMatchObject({ ok: false, reason: 'unknown' });
    new RunnerStore(db).revoke(paired.runner.id, clock.now());
    expect(pairing.authenticate(paired.token)).toMatchObject({ ok: false, reason: 'revoked' });
  });
});
