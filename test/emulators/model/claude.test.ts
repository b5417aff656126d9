// The real Claude Code CLI (2.1.197) against the emulator: tools, files, plans, resume.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Kit } from './testkit.ts';
import { TIDY_README } from './playbooks.ts';
import type { CliResult } from './testkit.ts';

const kit = new Kit();
afterEach(() => kit.cleanup());

const Block = z.looseObject({ type: z.string() });
const Line = z.looseObject({
  type: z.string(),
  subtype: z.string().optional(),
  session_id: z.string().optional(),
  message: z.looseObject({ content: z.union([z.string(), z.array(Block)]) }).optional(),
});
type Line = z.infer<typeof Line>;

const lines = (r: CliResult): Line[] => r.lines.map((l) => Line.parse(l));

/** Content blocks of one type from assistant (or user) lines. */
function blocks(r: CliResult, role: 'assistant' | 'user', type: string): z.infer<typeof Block>[] {
  return lines(r).flatMap((l) => {
    const content = l.type === role ? l.message?.content : undefined;
    return Array.isArray(content) ? content.filter((b) => b.type === type) : [];
  });
}

function result(r: CliResult): Line {
  const last = lines(r).at(-1);
  if (last?.type !== 'result') throw new Error(`no result line in ${r.stdout}\n${r.stderr}`);
  return last;
}

describe('claude -p against the emulator', () => {
  it('runs Bash, writes a file, answers, and resumes the session', async () => {
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

    const first = await kit.claude(emu, sb, 'please build the greeting');
    expect(first.code, first.stderr).toBe(0);
    expect(await readFile(join(sb.repo, 'hello.txt'), 'utf8')).toBe('hello world\n');
    const init = lines(first)[0];
    expect(init).toMatchObject({ type: 'system', subtype: 'init', cwd: sb.repo });
    const session = init?.session_id ?? '';
    expect(blocks(first, 'assistant', 'thinking')[0]).toMatchObject({ thinking: 'Checking the shell first' });
    expect(blocks(first, 'assistant', 'tool_use').map((b) => b.name)).toEqual(['Bash', 'Write']);
    expect(blocks(first, 'assistant', 'tool_use')[1]).toMatchObject({ input: { file_path: join(sb.repo, 'hello.txt'), content: 'hello world\n' } });
    expect(blocks(first, 'user', 'tool_result')[0]).toMatchObject({ content: 'hi', is_error: false });
    expect(result(first)).toMatchObject({ subtype: 'success', is_error: false, result: 'Greeting written', session_id: session });

    const turn0 = emu.conversation('build the greeting');
    const results = turn0.at(-1)?.toolResults ?? [];
    expect(results.map((r) => [r.name, r.exitCode])).toEqual([
      ['Bash', 0],
      ['Write', undefined],
    ]);
    expect(results[1]?.output).toContain('File created successfully');
    expect(turn0.every((r) => r.sessionId === session)).toBe(true);

    const second = await kit.claude(emu, sb, 'now the second file', ['--resume', session]);
    expect(second.code, second.stderr).toBe(0);
    expect(await readFile(join(sb.repo, 'second.txt'), 'utf8')).toBe('two\n');
    expect(result(second)).toMatchObject({ is_error: false, result: 'Second file written', session_id: session });
    const last = emu.conversation('build the greeting').at(-1);
    expect(last?.humanMessages).toEqual(['please build the greeting', 'now the second file']);
    expect(last?.turn).toBe(1);
    expect(JSON.stringify(last?.body)).toContain('toolu_emu_t0s1');
    expect(kit.outbound).toEqual([]);
  });

  it('reads an existing file before overwriting it, plans with TaskCreate, and reports a failing command', async () => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    await writeFile(join(sb.repo, 'README.md'), 'old line\n');
    emu.script('tidy the readme', TIDY_README);
    const r = await kit.claude(emu, sb, 'tidy the readme');
    expect(r.code, r.stderr).toBe(0);
    expect(await readFile(join(sb.repo, 'README.md'), 'utf8')).toBe('# New\n');
    expect(blocks(r, 'assistant', 'tool_use').map((b) => b.name)).toEqual(['TaskCreate', 'TaskCreate', 'Read', 'Write', 'Bash']);
    const results = emu.conversation('tidy the readme').at(-1)?.toolResults ?? [];
    expect(results.map((x) => x.name)).toEqual(['TaskCreate', 'TaskCreate', 'Read', 'Write', 'Bash']);
    expect(results[0]?.output).toBe('Task #1 created successfully: Read the readme');
    expect(results[3]?.output).toContain('has been updated successfully');
    expect(results[4]).toMatchObject({ isError: true, exitCode: 3, output: 'Exit code 3\noops' });
    expect(result(r)).toMatchObject({ is_error: false, result: 'Tidied' });
  });

  it('plans with TodoWrite when tasks are disabled (CLAUDE_CODE_ENABLE_TASKS=0)', async () => {
    const emu = await kit.emulator();
    const sb = await kit.sandbox();
    emu.script('todo please', { turns: [{ steps: [{ plan: ['One', 'Two'] }, { message: 'planned' }] }] });
    const r = await kit.claude(emu, sb, 'todo please', [], { CLAUDE_CODE_ENABLE_TASKS: '0' });
    expect(r.code, r.stderr).toBe(0);
    expect(blocks(r, 'assistant', 'tool_use')[0]).toMatchObject({
      name: 'TodoWrite',
      input: {
        todos: [
          { content: 'One', status: 'in_progress', activeForm: 'One' },
          { content: 'Two', status: 'pending', activeForm: 'Two' },
        ],
      },
    });
    expect(result(r)).toMatchObject({ result: 'planned' });
  });
});
