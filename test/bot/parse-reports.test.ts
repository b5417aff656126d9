import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands/parse.ts';

describe('report commands', () => {
  it('reads feature track with its events, flag, goal and launch date', () => {
    expect(parseCommand('feature track "Checkout v2" event:checkout_completed,checkout_paid flag:checkout-v2 goal:500 users/week since:2026-11-02')).toEqual({
      kind: 'feature-track',
      name: 'Checkout v2',
      events: ['checkout_completed', 'checkout_paid'],
      flag: 'checkout-v2',
      goal: 500,
      since: Date.parse('2026-11-02T00:00:00Z'),
    });
    expect(parseCommand('feature track Search event:search_used')).toEqual({ kind: 'feature-track', name: 'Search', events: ['search_used'] });
    expect(parseCommand('feature drop "Checkout v2"')).toEqual({ kind: 'feature-drop', name: 'Checkout v2' });
    expect(parseCommand('features')).toEqual({ kind: 'features' });
  });

  it('says what is wrong with a feature', () => {
    expect(parseCommand('feature track "X"')).toMatchObject({ kind: 'invalid', problem: expect.stringContaining('needs the event') as unknown });
    expect(parseCommand('feature track "X" event:x goal:lots')).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('`goal:` takes') as unknown,
    });
    expect(parseCommand('feature track "X" event:x\' OR 1=1')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('feature track "X" event:x since:yesterday')).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('`since:`') as unknown,
    });
    expect(parseCommand('feature track "X" event:x colour:red')).toMatchObject({
      kind: 'invalid',
      problem: expect.stringContaining('`colour:red`') as unknown,
    });
  });

  it('reads report now, off and weekly with a day, a time and a zone', () => {
    expect(parseCommand('report now')).toEqual({ kind: 'report-now' });
    expect(parseCommand('report off')).toEqual({ kind: 'report-off' });
    expect(parseCommand('report weekly')).toEqual({ kind: 'report-weekly', cron: '0 9 * * 1', tz: 'UTC', label: 'every Monday at 09:00 (UTC)' });
    expect(parseCommand('report weekly fri 17:30 tz:Europe/Berlin')).toEqual({
      kind: 'report-weekly',
      cron: '30 17 * * 5',
      tz: 'Europe/Berlin',
      label: 'every Friday at 17:30 (Europe/Berlin)',
    });
    expect(parseCommand('report weekly mon 09:00 tz:Mars/Olympus')).toMatchObject({ kind: 'invalid' });
    expect(parseCommand('report sometimes')).toMatchObject({ kind: 'invalid' });
  });
});
