// The turn planner with both dialects, without any CLI: which response comes next.
import { describe, expect, it } from 'vitest';
import { writePatch } from '../../../emulators/model/apply-patch.ts';
import { claudeDialect } from '../../../emulators/model/claude-dialect.ts';
import type { ToolUse } from '../../../emulators/model/claude-dialect.ts';
import { codexDialect } from '../../../emulators/model/codex-dialect.ts';
import type { CodexCall } from '../../../emulators/model/codex-dialect.ts';
import { DEFAULT_REPLY, nextMove } from '../../../emulators/model/planner.ts';
import type { Move } from '../../../emulators/model/planner.ts';
import type { Step } from '../../../emulators/model/types.ts';

const codex = (tools: string[], files: Record<string, string> = {}) => codexDialect({ tools: new Set(tools), cwd: '/w', readFile: (p) => files[p] });
const claude = (tools: string[], files: string[] = [], created: string[] = []) =>
  claudeDialect({ tools: new Set(tools), cwd: '/w', exists: (p) => files.includes(p), createdTasks: new Set(created) });

const callNames = (m: Move<CodexCall> | Move<ToolUse>): string[] => (m.ending.kind === 'calls' ? m.ending.calls.map((c) => c.name) : [m.ending.kind]);

describe('nextMove', () => {
  const steps: Step[] = [{ reasoning: 'think' }, { shell: 'echo hi' }, { writeFile: { path: 'a.txt', content: 'x\n' } }, { message: 'done' }];
  const d = codex(['exec_command', 'apply_patch']);

  it('walks the steps as call ids come back, reasoning riding with the first call', () => {
    const first = nextMove(steps, 0, new Set(), d);
    expect(first.reasoning).toEqual(['think']);
    expect(first.ending).toEqual({
      kind: 'calls',
      calls: [{ type: 'function_call', id: 'fc_emu_t0s1', call_id: 'call_emu_t0s1', name: 'exec_command', arguments: '{"cmd":"echo hi"}' }],
    });
    const second = nextMove(steps, 0, new Set(['call_emu_t0s1']), d);
    expect(second.reasoning).toEqual([]);
    expect(second.ending).toMatchObject({ kind: 'calls', calls: [{ type: 'custom_tool_call', call_id: 'call_emu_t0s2', name: 'apply_patch' }] });
    expect(nextMove(steps, 0, new Set(['call_emu_t0s1', 'call_emu_t0s2']), d).ending).toEqual({ kind: 'message', text: 'done' });
  });

  it('keys call ids by turn, so an earlier turn’s results do not advance this one', () => {
    expect(nextMove(steps, 1, new Set(['call_emu_t0s1']), d).ending).toMatchObject({ calls: [{ call_id: 'call_emu_t1s1' }] });
  });

  it('ends with the default reply when steps run out, and stops at fail', () => {
    expect(nextMove([{ shell: 'x' }], 0, new Set(['call_emu_t0s0']), d).ending).toEqual({ kind: 'message', text: DEFAULT_REPLY });
    expect(nextMove([{ fail: 'http-429' }, { message: 'never' }], 0, new Set(), d).ending).toEqual({ kind: 'fail', failure: 'http-429' });
  });

  it('skips steps the CLI has no tool for, keeping their reasoning for the next response', () => {
    const m = nextMove([{ reasoning: 'r' }, { plan: ['a'] }, { message: 'm' }], 0, new Set(), d);
    expect(m).toEqual({ delayMs: 0, reasoning: ['r'], ending: { kind: 'message', text: 'm' } });
  });

  it('applies a delay once, when its step is first answered', () => {
    const slow: Step[] = [{ delayMs: 100, then: { delayMs: 50, then: { shell: 'x' } } }, { message: 'm' }];
    expect(nextMove(slow, 0, new Set(), d).delayMs).toBe(150);
    expect(nextMove(slow, 0, new Set(['call_emu_t0s0']), d).delayMs).toBe(0);
  });

  it('codex: update_plan only when offered; shell falls back to `shell` argv', () => {
    const withPlan = nextMove([{ plan: ['a', 'b'] }], 0, new Set(), codex(['update_plan']));
    expect(withPlan.ending).toMatchObject({
      calls: [{ name: 'update_plan', arguments: '{"plan":[{"step":"a","status":"in_progress"},{"step":"b","status":"pending"}]}' }],
    });
    expect(nextMove([{ shell: 'ls' }], 0, new Set(), codex(['shell'])).ending).toMatchObject({
      calls: [{ name: 'shell', arguments: '{"command":["bash","-lc","ls"]}' }],
    });
  });

  it('codex: patches an existing file with an Update hunk', () => {
    const m = nextMove([{ writeFile: { path: 'a.txt', content: 'new\n' } }], 0, new Set(), codex(['apply_patch'], { '/w/a.txt': 'old\n' }));
    expect(m.ending).toMatchObject({ calls: [{ input: writePatch('a.txt', 'new\n', 'old\n') }] });
  });

  it('claude: Reads an existing file before Write, without repeating reasoning', () => {
    const st: Step[] = [{ reasoning: 'r' }, { writeFile: { path: 'a.txt', content: 'x' } }];
    const dl = claude(['Read', 'Write'], ['/w/a.txt']);
    const read = nextMove(st, 0, new Set(), dl);
    expect(read.reasoning).toEqual(['r']);
    expect(read.ending).toEqual({ kind: 'calls', calls: [{ type: 'tool_use', id: 'toolu_emu_t0s1_read', name: 'Read', input: { file_path: '/w/a.txt' } }] });
    const write = nextMove(st, 0, new Set(['toolu_emu_t0s1_read']), dl);
    expect(write.reasoning).toEqual([]);
    expect(write.ending).toMatchObject({ calls: [{ id: 'toolu_emu_t0s1', name: 'Write', input: { file_path: '/w/a.txt', content: 'x' } }] });
    expect(callNames(nextMove(st, 0, new Set(), claude(['Read', 'Write'])))).toEqual(['Write']);
  });

  it('claude: TodoWrite when offered, else TaskCreate for tasks not created yet', () => {
    expect(callNames(nextMove([{ plan: ['a'] }], 0, new Set(), claude(['TodoWrite', 'TaskCreate'])))).toEqual(['TodoWrite']);
    const tasks = nextMove([{ plan: ['a', 'b', 'c'] }], 0, new Set(), claude(['TaskCreate'], [], ['a']));
    expect(tasks.ending).toMatchObject({
      calls: [
        { id: 'toolu_emu_t0s0', input: { subject: 'b' } },
        { id: 'toolu_emu_t0s0_1', input: { subject: 'c' } },
      ],
    });
    expect(callNames(nextMove([{ plan: ['a'] }], 0, new Set(), claude(['TaskCreate'], [], ['a'])))).toEqual(['message']);
  });
});

describe('writePatch', () => {
  it('adds new files and rewrites existing ones with one full hunk', () => {
    expect(writePatch('n.txt', 'a\nb\n', undefined)).toBe('*** Begin Patch\n*** Add File: n.txt\n+a\n+b\n*** End Patch\n');
    expect(writePatch('e.txt', 'new', 'old1\nold2')).toBe('*** Begin Patch\n*** Update File: e.txt\n@@\n-old1\n-old2\n+new\n*** End Patch\n');
    expect(writePatch('empty.txt', 'x\n', '')).toContain('*** Add File: empty.txt');
  });
});
