import { describe, expect, it } from 'vitest';
import { agentEnvironment } from '../../runner/agents/env.ts';
import { createRedactor, REDACTED, secretValuesFromEnv } from '../../shared/redact.ts';
import { createStreamRedactor } from '../../shared/redact-stream.ts';

const names = ['MY_SERVICE_APIKEY', 'DB_PASSWD', 'GCP_CREDENTIALS', 'SSH_PRIVATE', 'DEPLOY_TOKEN', 'STRIPE_SECRET', 'SIGNING_KEY', 'SMTP_PASSWORD'];

describe('one list of secret names', () => {
  it.each(names)('%s is hidden from agents and its value redacted', (name) => {
    const value = `value-of-${name.toLowerCase()}-1234`;
    const env = { PATH: '/usr/bin', [name]: value };
    expect(agentEnvironment({ base: env })).toEqual({ PATH: '/usr/bin' });
    expect(createRedactor(secretValuesFromEnv(env))(`printed ${value} here`)).toBe(`printed ${REDACTED} here`);
  });

  it('keeps ordinary variables for the agent and in the text', () => {
    const env = { PATH: '/usr/bin', LANG: 'C.UTF-8', KEYBOARD: 'us', EDITOR: 'vim-enhanced' };
    expect(agentEnvironment({ base: env })).toEqual(env);
    expect(secretValuesFromEnv(env)).toEqual([]);
  });
});

describe('credentials inside URLs', () => {
  const env = { PATH: '/usr/bin', DATABASE_URL: 'postgres://u:hunter2@db/x', CACHE: 'redis://:s3cr%40t@cache:6379', HOMEPAGE: 'https://example.com:8080/a@b' };

  it('hides a variable whose value has a URL password from agents, unless allowed', () => {
    expect(agentEnvironment({ base: env })).toEqual({ PATH: '/usr/bin', HOMEPAGE: 'https://example.com:8080/a@b' });
    expect(agentEnvironment({ base: env, allow: ['DATABASE_URL'] }).DATABASE_URL).toBe(env.DATABASE_URL);
  });

  it('redacts URL passwords from any variable, as written and decoded', () => {
    expect(secretValuesFromEnv(env).sort()).toEqual(['hunter2', 's3cr%40t', 's3cr@t'].sort());
    const redact = createRedactor(secretValuesFromEnv(env));
    expect(redact('psql: could not connect; password hunter2 refused')).toBe(`psql: could not connect; password ${REDACTED} refused`);
  });

  it('replaces the password of any URL in any text, keeping the rest', () => {
    const redact = createRedactor();
    expect(redact('error: connect postgres://app:pa55:word!@10.0.0.1:5432/db failed')).toBe(
      `error: connect postgres://app:${REDACTED}@10.0.0.1:5432/db failed`,
    );
    expect(redact('{"url":"https://x:tok3n@github.com/a/b.git"}')).toBe(`{"url":"https://x:${REDACTED}@github.com/a/b.git"}`);
    expect(redact('see https://example.com:8080/a@b and git@github.com:a/b')).toBe('see https://example.com:8080/a@b and git@github.com:a/b');
  });

  it('never lets a stream cut split a URL password out of its URL', () => {
    const text = 'retrying DATABASE_URL=postgres://user:hunter2hunter2@db.internal/x now\n'.repeat(3);
    for (let cut = 1; cut < text.length; cut++) {
      const stream = createStreamRedactor(createRedactor(), 8);
      const out = stream.push(text.slice(0, cut)) + stream.push(text.slice(cut)) + stream.end();
      expect(out, `split at ${cut}`).not.toContain('hunter2');
    }
  });
});
