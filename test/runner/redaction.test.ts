import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentEnvironment } from '../../runner/agents/env.ts';
import { milestoneFor } from '../../runner/tasks/milestones.ts';
import { createRedactor, secretValuesFromEnv } from '../../shared/redact.ts';
import { request, scriptAgent, startEngine, type EngineUnderTest } from '../support/engine-harness.ts';
import { tempHome } from '../../emulators/support/temp-home.ts';

const KEY_BODY = '0123456789abcdefghijKLMNOPqrstuvwxyzABCDEFGHIJ01';
const APIKEY = 'svc-apikey-value-7a1c9e';
const DB_PASSWORD = 'hunter2';

/** Any 10-character piece of a secret (its whole, for short ones) in `text`. */
function leaks(text: string, secret: string): boolean {
  if (secret.length <= 10) return text.includes(secret);
  for (let i = 0; i + 10 <= secret.length; i++) if (text.includes(secret.slice(i, i + 10))) return true;
  return false;
}

describe('what a leaky agent prints stays on the machine', () => {
  let home: ReturnType<typeof tempHome>;
  let setup: EngineUnderTest | undefined;

  beforeEach(() => {
    home = tempHome('director-redaction-');
  });

  afterEach(async () => {
    await setup?.engine.stop();
    setup?.close();
    setup = undefined;
    home.remove();
  });

  it('never stores or sends a secret the agent printed, nor a key cut in half by the end of stderr', async () => {
    const runnerEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home.dir,
      MY_SERVICE_APIKEY: APIKEY,
      DATABASE_URL: `postgres://u:${DB_PASSWORD}@db/x`,
    };
    const redact = createRedactor(secretValuesFromEnv(runnerEnv));
    setup = startEngine(home.dir, [scriptAgent('leaky', 'leaky.sh')], { agentEnv: agentEnvironment({ base: runnerEnv }), redact });
    const { engine, store, db } = setup;

    // The secrets reach the agent only through its prompt, as if it had read them from a file.
    const task = engine.create({
      project: 'demo',
      agent: 'leaky',
      title: 'Check the service',
      input: request(`the service key is ${APIKEY}; the database is postgres://admin:${DB_PASSWORD}@db.internal/app`),
    });
    await engine.idle();

    const done = store.require(task.id);
    expect(done.state).toBe('failed');
    const printed = store
      .events(task.id)
      .flatMap((e) => (e.type === 'output' ? [e.text] : []))
      .join('\n');
    expect(printed).toContain('PATH=');
    expect(printed).not.toContain('MY_SERVICE_APIKEY');
    expect(printed).not.toContain('DATABASE_URL');

    const sent = JSON.stringify(setup.changes.map(({ task: record, event }) => milestoneFor(record, event, redact)));
    const stored = JSON.stringify(db.prepare('SELECT event FROM task_events').all());
    const error = done.error ?? '';
    expect(error).toContain('[REDACTED]');
    for (const [where, text] of Object.entries({ sent, stored, error })) {
      for (const secret of [KEY_BODY, APIKEY, DB_PASSWORD]) expect(leaks(text, secret), `${secret} in ${where}`).toBe(false);
    }
  });

  it('stores a person’s instruction redacted', async () => {
    setup = startEngine(home.dir, [scriptAgent('env', 'env.sh')]);
    const { engine, db } = setup;
    const task = engine.create({ project: 'demo', agent: 'env', title: 'Env', input: request('print env') });
    await engine.idle();
    engine.steer(task.id, `use postgres://admin:${DB_PASSWORD}@db/app and sk-proj-${KEY_BODY}`, 'alice');
    await engine.idle();
    const stored = JSON.stringify(db.prepare("SELECT event FROM task_events WHERE event LIKE '%instruction%'").all());
    expect(stored).toContain('postgres://admin:[REDACTED]@db/app');
    expect(stored).not.toContain(DB_PASSWORD);
    expect(stored).not.toContain(KEY_BODY);
  });

  it('stores a failure’s error redacted', async () => {
    const failing = {
      name: 'boom',
      resumable: false,
      run: () => {
        throw new Error(`push to https://x:sk-proj-${KEY_BODY}@github.com/a/b.git failed`);
      },
    };
    setup = startEngine(home.dir, [failing]);
    const { engine, store } = setup;
    const task = engine.create({ project: 'demo', agent: 'boom', title: 'Boom', input: request('boom') });
    await engine.idle();
    const done = store.require(task.id);
    expect(done.state).toBe('failed');
    expect(done.error).toContain('https://x:[REDACTED]@github.com');
    expect(done.error).not.toContain(KEY_BODY.slice(0, 10));
  });
});
