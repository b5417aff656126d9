import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, secretValuesFromEnv } from '../../shared/redact.ts';
import { createStreamRedactor, redactDeep } from '../../shared/redact-stream.ts';

const env = {
  GITHUB_TOKEN: 'ghp_EnvGithubToken0123456789abcdefghij',
  DATABASE_PASSWORD: 'correct horse battery staple',
  STRIPE_SECRET: 'stripe-live-secret-value-42',
  MY_API_KEY: 'k3y-with.dots/and+plus',
  SHORT_TOKEN: 'abc',
  HOME: '/home/user',
};

const shapes = [
  'xoxb-1234567890-0987654321-AbCdEfGhIjKl',
  'xapp-1-A0123-456-abcdef0123456789',
  'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  'github_pat_11AAAAAAA0123456789_abcdefghijklmnop',
  'sk-proj-0123456789abcdefghijKLMNOPqrst',
  'sk-ant-api03-0123456789abcdefghij',
  'AKIAIOSFODNN7EXAMPLE',
  'phx_0123456789abcdefghijABCDEF',
  'drt_0123456789ab_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde',
  '-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA0123456789\nabcdefghij\n-----END RSA PRIVATE KEY-----',
];
const valueSecrets = ['ghp_EnvGithubToken0123456789abcdefghij', 'correct horse battery staple', 'stripe-live-secret-value-42', 'k3y-with.dots/and+plus'];
const allSecrets = [...shapes, ...valueSecrets];

/** A leak: the secret, or any 10-character piece of it, in the output. */
function leaks(output: string, secret: string): boolean {
  const core = secret.replace(/-----(BEGIN|END) [A-Z ]+-----/g, '').trim();
  for (let i = 0; i + 10 <= core.length; i += 5) if (output.includes(core.slice(i, i + 10))) return true;
  return output.includes(secret);
}

function streamed(text: string, cuts: number[], redactor = createRedactor(secretValuesFromEnv(env))): string {
  const stream = createStreamRedactor(redactor);
  let out = '';
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out += stream.push(text.slice(from, cut));
    from = cut;
  }
  return out + stream.end();
}

/** A deterministic pseudo-random generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('secret-named environment values', () => {
  it('takes *_TOKEN, *_KEY, *_SECRET and *PASSWORD* values of 6 characters or more', () => {
    expect(secretValuesFromEnv(env).sort()).toEqual([...valueSecrets].sort());
  });
});

describe('stream redaction', () => {
  it.each(allSecrets.map((s) => [s.slice(0, 24), s]))('hides %s wherever the stream splits it', (_label, secret) => {
    const text = `npm test output: connecting with ${secret} now\n`;
    for (let cut = 1; cut < text.length; cut++) {
      const out = streamed(text, [cut]);
      expect(leaks(out, secret), `split at ${cut}: ${out}`).toBe(false);
      expect(out).toContain(REDACTED);
    }
  });

  it('fuzz: random text with planted secrets, split into random chunks, never leaks', () => {
    const next = random(20261121);
    const words = ['build', 'ok', 'token', 'Bearer', 'failing', 'x=', '\n', '"', 'path/to/file.ts', '…', 'é', ' '];
    for (let round = 0; round < 300; round++) {
      const planted: string[] = [];
      let text = '';
      while (text.length < 2000) {
        if (next() < 0.08) {
          const secret = allSecrets[Math.floor(next() * allSecrets.length)] ?? '';
          planted.push(secret);
          text += secret;
        } else text += words[Math.floor(next() * words.length)] ?? '';
        text += next() < 0.5 ? ' ' : '';
      }
      const cuts: number[] = [];
      for (let at = 0; at < text.length; at += 1 + Math.floor(next() * 60)) cuts.push(at);
      const out = streamed(text, cuts);
      for (const secret of planted) expect(leaks(out, secret), `round ${round}: ${secret.slice(0, 12)}… leaked in ${JSON.stringify(out)}`).toBe(false);
    }
  });

  it('keeps ordinary text intact', () => {
    const text = 'All 42 tests passed in 1.3s; see src/app.ts and https://example.com/docs.\n'.repeat(50);
    expect(streamed(text, [7, 100, 333, 1000, 2500])).toBe(text);
  });
});

describe('redactDeep', () => {
  it('redacts every string of a frame and keeps its shape', () => {
    const redact = createRedactor(['stripe-live-secret-value-42']);
    expect(
      redactDeep({ type: 'note', n: 3, text: 'key stripe-live-secret-value-42', list: [{ a: 'ghp_0123456789abcdefghijABCDEFGHIJ012345' }] }, redact),
    ).toEqual({
      type: 'note',
      n: 3,
      text: `key ${REDACTED}`,
      list: [{ a: REDACTED }],
    });
  });
});
