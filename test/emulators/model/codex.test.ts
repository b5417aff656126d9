// The real codex CLI (0.169.0) against the emulator: tools, files, plan, resume, cancel.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Kit, waitFor } from './testkit.ts';
import { TIDY_README } from './playbooks.ts';
import type { CliResult } from './testkit.ts';

const kit = new Kit();
afterEach(() => kit.cleanup());

const Item = z.looseObject({ id: z.string(), type: z.string() });
const Event = z.looseObject({ type: z.string(), thread_id: z.string().optional(), item: Item.optional() });

/** The `item.completed` items of one type. */
function completed(r: CliResult, type: string): z.infer<typeof Item>[] {
  return r.lines.flatMap((l) => {
    const e = Event.parse(l);
    return e.type === 'item.completed' && e.item?.type === type ? [e.item] : [];
  });
}

const types = (r: CliResult): string[] => r.lines.map((l) => Event.parse(l).type);

function threadId(r: CliResult): string {
  const id = r.lines.map((l) => Event.parse(l)).find((e) => e.type === 'thread.started')?.thread_id;
  if (id === undefined) throw new Error(`no thread.started in ${r.stdout}`);
  return id;
}

describe('codex exec against the emulator', () => {
  it('runs a shell command, writes a file, answers, and resumes the thread', async () => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    emu.script('build the greeting', {
      turns: [
        {
          steps: [
            { reasoning: 'Checking the shell first' },
            { shell: 'echo hi' },
            { writeFile: { path: 'hello.txt', content: 'hello world\n' } },
            { message: 'Greeting written' },
          ],
        },
        { steps: [{ writeFile: { path: 'second.txt', content: 'two\n' } }, { message: 'Second file written' }] },
      ],
    });

    const first = await kit.codex(emu, sb, ['please build the greeting']);
    expect(first.code, first.stderr).toBe(0);
    expect(await readFile(join(sb.repo, 'hello.txt'), 'utf8')).toBe('hello world\n');
    expect(types(first)[0]).toBe('thread.started');
    expect(types(first).at(-1)).toBe('turn.completed');
    expect(completed(first, 'reasoning')[0]).toMatchObject({ text: 'Checking the shell first' });
    const [cmd] = completed(first, 'command_execution');
    expect(cmd).toMatchObject({ command: "/bin/bash -lc 'echo hi'", exit_code: 0, status: 'completed' });
    expect(String(cmd?.aggregated_output)).toContain('hi');
    expect(completed(first, 'file_change')[0]).toMatchObject({ changes: [{ path: join(sb.repo, 'hello.txt'), kind: 'add' }], status: 'completed' });
    expect(completed(first, 'agent_message')[0]).toMatchObject({ text: 'Greeting written' });

    const turn0 = emu.conversation('build the greeting');
    expect(turn0).toHaveLength(3);
    const results = turn0.at(-1)?.toolResults ?? [];
    expect(results.map((r) => [r.name, r.exitCode])).toEqual([
      ['exec_command', 0],
      ['apply_patch', undefined],
    ]);
    expect(results[0]?.output).toContain('hi');
    expect(results[1]?.output).toContain('Success. Updated the following files:\nA hello.txt');
    const thread = threadId(first);
    expect(turn0.every((r) => r.sessionId === thread && r.matched === 'build the greeting')).toBe(true);

    const second = await kit.codex(emu, sb, ['resume', thread, 'now the second file']);
    expect(second.code, second.stderr).toBe(0);
    expect(threadId(second)).toBe(thread);
    expect(await readFile(join(sb.repo, 'second.txt'), 'utf8')).toBe('two\n');
    expect(completed(second, 'agent_message')[0]).toMatchObject({ text: 'Second file written' });
    const last = emu.conversation('build the greeting').at(-1);
    expect(last?.humanMessages).toEqual(['please build the greeting', 'now the second file']);
    expect(last?.turn).toBe(1);
    expect(JSON.stringify(last?.body)).toContain('call_emu_t0s1');
    expect(kit.outbound).toEqual([]);
  });

  it('updates an existing file, reports a plan as todo_list and a failing command', async () => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    await writeFile(join(sb.repo, 'README.md'), 'old line\nsecond old line\n');
    emu.script('tidy the readme', TIDY_README);
    const r = await kit.codex(emu, sb, ['tidy the readme'], { updatePlan: true });
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(sb.repo, 'README.md'), 'utf8')).toBe('# New\n');
    expect(completed(r, 'todo_list')[0]).toMatchObject({
      items: [
        { text: 'Read the readme', completed: false },
        { text: 'Rewrite it', completed: false },
      ],
    });
    expect(completed(r, 'file_change')[0]).toMatchObject({ changes: [{ path: join(sb.repo, 'README.md'), kind: 'update' }] });
    expect(completed(r, 'command_execution')[0]).toMatchObject({ exit_code: 3, status: 'failed' });
    const results = emu.conversation('tidy the readme').at(-1)?.toolResults ?? [];
    expect(results.map((x) => x.name)).toEqual(['update_plan', 'apply_patch', 'exec_command']);
    expect(results[2]?.exitCode).toBe(3);
  });

  it('skips plan steps when codex does not offer update_plan (its default for gpt-5.5)', async () => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    emu.script('plan nothing', { turns: [{ steps: [{ plan: ['a', 'b'] }, { message: 'fine' }] }] });
    const r = await kit.codex(emu, sb, ['plan nothing']);
    expect(r.code, r.stderr).toBe(0);
    expect(completed(r, 'todo_list')).toEqual([]);
    expect(completed(r, 'agent_message')[0]).toMatchObject({ text: 'fine' });
    expect(emu.conversation('plan nothing')).toHaveLength(1);
  });

  it('answers unscripted prompts with "ok"', async () => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    const r = await kit.codex(emu, sb, ['anything at all']);
    expect(r.code, r.stderr).toBe(0);
    expect(completed(r, 'agent_message')[0]).toMatchObject({ text: 'ok' });
    expect(emu.requests[0]?.matched).toBeUndefined();
  });

  it('holds a slow answer until the CLI is killed, then keeps serving', async () => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    emu.script('take your time', { turns: [{ steps: [{ delayMs: 60_000, then: { message: 'too late' } }] }] });
    const slow = kit.startCodex(emu, sb, ['take your time']);
    await waitFor(() => emu.conversation('take your time').length === 1);
    kit.kill(slow.child);
    expect(await slow.exited).toBeNull();
    const r = await kit.codex(emu, sb, ['still there?']);
    expect(r.code, r.stderr).toBe(0);
  });
});
