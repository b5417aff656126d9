import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands/parse.ts';

describe('parsing fix sentry errors, every and automations', () => {
  it('reads the Sentry filters, with defaults for the window and the count', () => {
    expect(parseCommand('fix sentry errors users>20')).toEqual({ kind: 'fix-sentry', usersOver: 20, since: '24h', top: 5 });
    expect(parseCommand('fix sentry errors events>100 since:7d top:3 level:error agent:claude')).toEqual({
      kind: 'fix-sentry',
      eventsOver: 100,
      since: '7d',
      top: 3,
      level: 'error',
      agent: 'claude',
    });
    expect(parseCommand('fix sentry errors users>>2')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('fix sentry errors since:forever')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('fix sentry errors top:500')).toMatchObject({ kind: 'invalid' });
    // A GitHub issue command is still one.
    expect(parseCommand('fix top 3 issues')).toMatchObject({ kind: 'fix-top', limit: 3 });
  });

  it('keeps what follows every for the automation, and reads the automations actions', () => {
    expect(parseCommand('every day 09:00 fix sentry errors users>20')).toEqual({ kind: 'every', text: 'day 09:00 fix sentry errors users>20' });
    expect(parseCommand('every')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('automations')).toEqual({ kind: 'automations', action: 'list' });
    expect(parseCommand('automations pause s1a2b3c4')).toEqual({ kind: 'automations', action: 'pause', id: 's1a2b3c4' });
    expect(parseCommand('automations run S1A2B3C4')).toEqual({ kind: 'automations', action: 'run', id: 's1a2b3c4' });
    expect(parseCommand('automations explode s1a2b3c4')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('automations delete')).toMatchObject({ kind: 'invalid' });
  });
});
