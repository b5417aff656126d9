import { describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.ts';
import { createRedactor, REDACTED } from '../../shared/redact.ts';

describe('redactor', () => {
  const redact = createRedactor(['hunter2-long-password', 'abc']);

  it.each([
    ['Slack bot token', 'xoxb-1234567890-0987654321-AbCdEfGhIj'],
    ['Slack app token', 'xapp-1-A0123-456-abcdef0123456789'],
    ['GitHub token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345'],
    ['GitHub fine-grained token', 'github_pat_11AAAAAAA0123456789_abcdefghijklmnop'],
    ['OpenAI key', 'sk-proj-0123456789abcdefghijKLMNOP'],
    ['Anthropic key', 'sk-ant-api03-0123456789abcdefghij'],
    ['AWS access key id', 'AKIAIOSFODNN7EXAMPLE'],
    ['Director runner token', 'drt_0123456789ab_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcde'],
  ])('hides a %s', (_name, token) => {
    const out = redact(`before ${token} after`);
    expect(out).toBe(`before ${REDACTED} after`);
  });

  it('hides bearer headers but keeps the scheme', () => {
    expect(redact('Authorization: Bearer abcdefghijklmnop.qrstuv')).toBe(`Authorization: Bearer ${REDACTED}`);
  });

  it('hides private key blocks whole', () => {
    const key = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\nAAAA\n-----END OPENSSH PRIVATE KEY-----';
    expect(redact(`key:\n${key}\nend`)).toBe(`key:\n${REDACTED}\nend`);
  });

  it('hides known secret values but not short ones that would eat ordinary words', () => {
    expect(redact('pw=hunter2-long-password; abc stays')).toBe(`pw=${REDACTED}; abc stays`);
  });
});

describe('logger', () => {
  it('never writes a token, whether a field, a message or an error', () => {
    const lines: string[] = [];
    const secret = 'xoxb-999-888-topsecretvalue';
    const log = createLogger({ level: 'debug', redact: createRedactor(['custom-secret-value']), sink: { write: (l) => lines.push(l) } });
    log.info({ token: secret }, 'connecting');
    log.debug(`calling with custom-secret-value and ${secret}`);
    log.error({ err: new Error(`failed: Bearer ${secret}`) }, 'oops');
    const all = lines.join('');
    expect(lines).toHaveLength(3);
    expect(all).not.toContain('topsecretvalue');
    expect(all).not.toContain('custom-secret-value');
    expect(all).toContain(REDACTED);
    expect(() => lines.map((l) => JSON.parse(l) as unknown)).not.toThrow();
  });
});
