import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../bot/commands/parse.ts';
import { settingsChanges } from '../../bot/director/settings-changes.ts';
import { channelSettingsSchema } from '../../bot/store/bindings.ts';
import { taskStartFrame } from '../../shared/protocol.ts';

describe('the evidence gates’ channel settings', () => {
  it('init takes --review and --feedback, and refuses what they cannot be', () => {
    expect(parseCommand('init acme/web --review claude --feedback ask')).toMatchObject({ kind: 'init', repo: 'acme/web', review: 'claude', feedback: 'ask' });
    expect(parseCommand('init acme/web --review off --feedback off')).toMatchObject({ review: 'off', feedback: 'off' });
    expect(parseCommand('init acme/web --feedback sometimes')).toEqual({ kind: 'invalid', problem: '`--feedback` takes `auto`, `ask` or `off`' });
    expect(parseCommand('init acme/web --review $(rm)')).toMatchObject({ kind: 'invalid' });
  });

  it('says each change in the channel, and bindings stored before keep the defaults', () => {
    const before = channelSettingsSchema.parse({
      repo: 'acme/web',
      project: 'web',
      agent: null,
      maintainers: [],
      steer: 'members',
      concurrency: null,
      verify: null,
    });
    expect(before).toMatchObject({ review: null, feedback: null });
    expect(settingsChanges(before, { ...before, review: 'claude', feedback: 'ask' })).toEqual([
      'set the reviewer before PRs to `claude`',
      'set PR feedback to be shown here before the agent addresses it',
    ]);
  });

  it('task.start carries them to the runner, which alone decides what they name', () => {
    const frame = { type: 'task.start', taskId: 'tabcd', project: 'web', title: 'x', source: { kind: 'request', text: 'x', requestedBy: 'U1' } };
    expect(taskStartFrame.parse({ ...frame, review: 'codex', feedback: 'off' })).toMatchObject({ review: 'codex', feedback: 'off' });
    expect(taskStartFrame.safeParse({ ...frame, review: 'rm -rf /' }).success).toBe(false);
  });
});
