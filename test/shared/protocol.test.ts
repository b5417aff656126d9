import { describe, expect, it } from 'vitest';
import { botToRunnerReceivedSchema, botToRunnerSchema, helloFrame, runnerToBotReceivedSchema } from '../../shared/protocol.ts';

const update = { type: 'task.update', taskId: 'tabc123', state: 'awaiting_review', agent: 'codex' };
const accepts = (frame: unknown) => runnerToBotReceivedSchema.safeParse(frame).success;

describe('what the bot accepts from a runner', () => {
  it('refuses a wild task count in runner.status and hello', () => {
    expect(accepts({ type: 'runner.status', running: 3, capacity: 1000 })).toBe(true);
    expect(accepts({ type: 'runner.status', running: 0, capacity: 2 ** 31 })).toBe(false);
    expect(accepts({ type: 'runner.status', running: 1001, capacity: 4 })).toBe(false);
    const hello = { type: 'hello', protocol: 3, runner: 'laptop', agents: ['codex'], version: '0.1.0', received: 0 };
    expect(helloFrame.safeParse({ ...hello, capacity: 4 }).success).toBe(true);
    expect(helloFrame.safeParse({ ...hello, capacity: 2 ** 31 }).success).toBe(false);
  });

  it('takes only http(s) PR links that cannot break out of a Slack link', () => {
    expect(accepts({ ...update, prUrl: 'https://github.com/acme/demo/pull/7' })).toBe(true);
    expect(accepts({ ...update, prUrl: 'http://127.0.0.1:4010/acme/demo/pull/7' })).toBe(true);
    for (const prUrl of [
      'javascript:alert(1)',
      'slack://open',
      'not a url',
      'https://evil.example/x|click here',
      'https://evil.example/x>',
      `https://github.com/${'a'.repeat(500)}`,
    ])
      expect(accepts({ ...update, prUrl }), prUrl).toBe(false);
  });

  it('holds the pr milestone and issue links to the same rule', () => {
    const pr = (url: string) => ({ ...update, milestone: { kind: 'pr', number: 7, url, updated: false, text: 'Draft PR #7 opened', post: true } });
    expect(accepts(pr('https://github.com/acme/demo/pull/7'))).toBe(true);
    expect(accepts(pr('javascript:alert(1)'))).toBe(false);
    const found = (url: string) => ({ type: 'issues.found', requestId: 'r1', issues: [{ number: 7, title: 'Crash', url }] });
    expect(accepts(found('https://github.com/acme/demo/issues/7'))).toBe(true);
    expect(accepts(found('https://x.example/<!channel>'))).toBe(false);
  });
});

describe('what a task.start may ask of a runner', () => {
  const start = { type: 'task.start', taskId: 'tabc123', project: 'web', title: 'x', source: { kind: 'request', text: 'x', requestedBy: 'U1' } };

  it('names a verify command, never carries one', () => {
    expect(botToRunnerSchema.parse({ ...start, verify: 'full' })).toMatchObject({ verify: 'full' });
    for (const verify of ['npm test', 'Full', '-rf', 'x'.repeat(33), '']) expect(botToRunnerSchema.safeParse({ ...start, verify }).success, verify).toBe(false);
    // The bot cannot send shell text: its schema drops the field.
    expect(botToRunnerSchema.parse({ ...start, verifyCommand: 'sh -c x' })).not.toHaveProperty('verifyCommand');
  });

  it('keeps an old bot’s shell text where the runner reads it, so the runner can refuse the task', () => {
    expect(botToRunnerReceivedSchema.parse({ ...start, verifyCommand: 'sh -c x' })).toMatchObject({ verifyCommand: 'sh -c x' });
    expect(botToRunnerReceivedSchema.parse(start)).not.toHaveProperty('verifyCommand');
  });
});
