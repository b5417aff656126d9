import { describe, expect, it } from 'vitest';
import { parseCommand, stripMention } from '../../bot/commands/parse.ts';
import { staticReply } from '../../bot/commands/reply.ts';
import { isStatusQuestion } from '../../bot/commands/handlers.ts';

describe('command parsing', () => {
  it('treats nothing, help and its spellings as help', () => {
    for (const text of ['', '  ', 'help', 'HELP me', '--help', '?']) expect(parseCommand(text)).toEqual({ kind: 'help' });
  });

  it('suggests the closest command for a typo and nothing for gibberish', () => {
    expect(parseCommand('hlep')).toEqual({ kind: 'unknown', input: 'hlep', suggestion: 'help' });
    expect(parseCommand('launch the rockets')).toEqual({ kind: 'unknown', input: 'launch the rockets' });
  });

  it('understands "fix top N" in natural phrasings, with label, order and agent', () => {
    expect(parseCommand('fix top 10 issues')).toEqual({ kind: 'fix-top', limit: 10, order: 'newest' });
    expect(parseCommand('fix the top 3 issues')).toEqual({ kind: 'fix-top', limit: 3, order: 'newest' });
    expect(parseCommand('fix 5 newest bugs')).toEqual({ kind: 'fix-top', limit: 5, order: 'newest', label: 'bug' });
    expect(parseCommand('fix top 4 issues label:ui by:reactions agent:claude')).toEqual({
      kind: 'fix-top',
      limit: 4,
      order: 'reactions',
      label: 'ui',
      agent: 'claude',
    });
    expect(parseCommand('fix the 2 most commented issues')).toEqual({ kind: 'fix-top', limit: 2, order: 'comments' });
    expect(parseCommand('fix #12 #15 #12')).toEqual({ kind: 'fix-issues', numbers: [12, 15] });
    expect(parseCommand('fix')).toMatchObject({ kind: 'invalid' });
  });

  it('starts one task from a sentence that is not about a number of issues', () => {
    expect(parseCommand('fix 2 typos in the README')).toEqual({ kind: 'do', text: 'fix 2 typos in the README' });
    expect(parseCommand('fix the login page crash')).toEqual({ kind: 'do', text: 'fix the login page crash' });
    expect(parseCommand('fix everything agent:claude')).toEqual({ kind: 'do', text: 'fix everything', agent: 'claude' });
    expect(parseCommand('add a --version flag to the CLI')).toEqual({ kind: 'do', text: 'add a --version flag to the CLI' });
    expect(parseCommand('Update the changelog')).toEqual({ kind: 'do', text: 'Update the changelog' });
    // A verb alone, or words that are no request, are not a task.
    expect(parseCommand('add')).toMatchObject({ kind: 'unknown' });
    expect(parseCommand('thanks a lot')).toMatchObject({ kind: 'unknown' });
  });

  it('takes quoted labels, says a cap out loud and refuses an order it does not know, naming the allowed ones', () => {
    expect(parseCommand('fix top 3 issues label:"good first issue"')).toEqual({ kind: 'fix-top', limit: 3, order: 'newest', label: 'good first issue' });
    expect(parseCommand('fix top 3 issues label:“good first issue” by:comments')).toEqual({
      kind: 'fix-top',
      limit: 3,
      order: 'comments',
      label: 'good first issue',
    });
    expect(parseCommand('fix top 100 issues')).toEqual({ kind: 'fix-top', limit: 50, order: 'newest', requested: 100 });
    expect(parseCommand('fix top 3 issues by:oldest')).toEqual({
      kind: 'invalid',
      problem: '`by:oldest` is not an order: use `by:newest`, `by:comments`, `by:reactions`',
    });
    expect(parseCommand('init acme/web --steer admins')).toEqual({ kind: 'invalid', problem: '`--steer` takes `members` or `maintainers`' });
  });

  it('reads init, do, stop, retry and status', () => {
    expect(parseCommand('init acme/web --runner laptop --maintainers <@U1>,<@U2|bob> --steer maintainers --owner <@U3|carol>')).toEqual({
      kind: 'init',
      repo: 'acme/web',
      runner: 'laptop',
      owner: 'U3',
      maintainers: ['U1', 'U2'],
      steer: 'maintainers',
    });
    expect(parseCommand('init not-a-repo')).toMatchObject({ kind: 'invalid' });
    // Settings left out are left out (they keep their current values), not reset to defaults.
    expect(parseCommand('init acme/web --verify unit --concurrency 2')).toEqual({ kind: 'init', repo: 'acme/web', verify: 'unit', concurrency: 2 });
    // A channel names one of the runner's verification commands; it never sends a command line.
    expect(parseCommand('init acme/web --verify sh -c "id"')).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('not a command line') as unknown,
    });
    expect(parseCommand('init acme/web --verify ' + 'x'.repeat(600))).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('init acme/web --maintainers @bob')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('--maintainers') as unknown });
    expect(parseCommand('init acme/web --concurrency 500')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('init acme/web --sudo yes')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('not an init flag') as unknown });
    expect(parseCommand('do add a dark mode agent:codex')).toEqual({ kind: 'do', text: 'add a dark mode', agent: 'codex' });
    expect(parseCommand('stop all')).toEqual({ kind: 'stop', task: 'all' });
    expect(parseCommand('retry tabc123')).toEqual({ kind: 'retry', task: 'tabc123' });
    expect(parseCommand('status')).toEqual({ kind: 'status' });
  });

  it('reads the context commands: status of a task, restart, memory, remember, forget', () => {
    expect(parseCommand('status TAbc123')).toEqual({ kind: 'task-status', task: 'tabc123' });
    expect(parseCommand('restart tabc123')).toEqual({ kind: 'restart', task: 'tabc123' });
    expect(parseCommand('restart')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('restart <task>') as unknown });
    expect(parseCommand('memory')).toEqual({ kind: 'memory' });
    expect(parseCommand('remember  The API client is generated:   edit the schema')).toEqual({
      kind: 'remember',
      fact: 'The API client is generated: edit the schema',
    });
    expect(parseCommand('remember')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand(`remember ${'x'.repeat(501)}`)).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('at most 500') as unknown });
    expect(parseCommand('forget 3')).toEqual({ kind: 'forget', n: 3 });
    for (const bad of ['forget', 'forget 0', 'forget two', 'forget 1 2', 'forget 1.5']) expect(parseCommand(bad)).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('rmember x')).toMatchObject({ kind: 'unknown', suggestion: 'remember' });
  });

  it('tells a "status?" reply in a thread from an instruction for the agent', () => {
    for (const text of ['status?', ' Status ? ', "what's the status?", 'what’s the status?', 'where are we??']) expect(isStatusQuestion(text), text).toBe(true);
    for (const text of ['status', 'status? also fix the tests', 'what is the status of the parser rewrite? please check', 'Please add docs.'])
      expect(isStatusQuestion(text), text).toBe(false);
  });

  it('strips the leading bot mention of an app_mention', () => {
    expect(stripMention('<@U0BOT> help')).toBe('help');
    expect(stripMention('<@U0BOT|director>: status')).toBe('status');
  });

  it('never lets untrusted input become a mention or break out of code in the reply', () => {
    const parsed = parseCommand('<!channel> `rm -rf` &');
    if (parsed.kind !== 'unknown') throw new Error('expected unknown');
    const reply = staticReply(parsed);
    expect(reply).not.toContain('<!channel>');
    expect(reply).toContain('&lt;!channel&gt;');
    expect(reply).toContain('Usage:');
  });

  it('answers oversized or runaway input with a sentence, at once', () => {
    expect(parseCommand(`do ${'x'.repeat(20_050)}`)).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('at most 20000 characters') as unknown,
    });
    expect(parseCommand('x'.repeat(40_000))).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('characters long') as unknown });
    // A long unknown word is not compared letter by letter with every command.
    expect(parseCommand('y'.repeat(20_000))).toEqual({ kind: 'unknown', input: 'y'.repeat(20_000) });
    const many = Array.from({ length: 300 }, (_, i) => `#${i + 1}`).join(' ');
    expect(parseCommand(`fix ${many}`)).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('at most 20 issues') as unknown });
    expect(parseCommand('claim')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('claim AB12-CD34')).toEqual({ kind: 'claim', code: 'AB12-CD34' });
    expect(parseCommand('audit')).toEqual({ kind: 'audit' });
  });
});
