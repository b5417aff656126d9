import { describe, expect, it } from 'vitest';
import { parseCommand, stripMention } from '../../bot/commands/parse.ts';
import { staticReply } from '../../bot/commands/reply.ts';

describe('command parsing', () => {
  it('treats nothing, help and its spellings as help', () => {
    for (const text of ['', '  ', 'help', 'HELP me', '--help', '?']) expect(parseCommand(text)).toEqual({ kind: 'help' });
  });

  it('suggests the closest command for a typo and nothing for gibberish', () => {
    expect(parseCommand('hlep')).toEqual({ kind: 'unknown', input: 'hlep', suggestion: 'help' });
    expect(parseCommand('launch the rockets')).toEqual({ kind: 'unknown', input: 'launch the rockets' });
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
});
