import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands/parse.ts';
import { mayMerge, mergersOf } from '../../bot/director/permissions.ts';
import type { ChannelBinding } from '../../bot/store/bindings.ts';

const channel = (over: Partial<ChannelBinding>): ChannelBinding => ({
  channel: 'C1',
  team: 'T1',
  runner_id: 'r1',
  repo: 'acme/web',
  project: 'web',
  agent: null,
  maintainers: [],
  steer: 'members',
  concurrency: null,
  verify: null,
  mergers: null,
  merge_method: null,
  review: null,
  feedback: null,
  ...over,
});

describe('init --mergers and --merge', () => {
  it('parses mergers as user ids and the merge method; refuses anything else saying what it takes', () => {
    expect(parseCommand('init acme/web --mergers <@U0ALICE>,<@U0BOB|bob> --merge rebase')).toMatchObject({
      kind: 'init',
      repo: 'acme/web',
      mergers: ['U0ALICE', 'U0BOB'],
      merge: 'rebase',
    });
    expect(parseCommand('init acme/web --merge fast-forward')).toEqual({ kind: 'invalid', problem: '`--merge` takes `squash`, `merge` or `rebase`' });
    expect(JSON.stringify(parseCommand('init acme/web --mergers alice'))).toContain('`--mergers` takes up to 20 mentions');
  });

  it('lets the maintainers merge unless mergers are named', () => {
    const binding = channel({ maintainers: ['U0ALICE'], mergers: null });
    expect(mergersOf(binding)).toEqual(['U0ALICE']);
    expect(mayMerge('U0ALICE', binding)).toBe(true);
    expect(mayMerge('U0BOB', binding)).toBe(false);
    const named = channel({ maintainers: ['U0ALICE'], mergers: ['U0BOB'] });
    expect(mayMerge('U0ALICE', named)).toBe(false);
    expect(mayMerge('U0BOB', named)).toBe(true);
    expect(mayMerge('U0BOB', undefined)).toBe(false);
  });
});
