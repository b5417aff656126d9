import type { HomeView, KnownBlock } from '@slack/web-api';
import type { BotTaskState } from '../../shared/task-states.ts';
import { escapeMrkdwn, shorten } from '../../shared/text.ts';
import { APPROVE_ACTION, DENY_ACTION } from '../director/bindings.ts';
import type { BindingRequest, ChannelBinding } from '../store/bindings.ts';
import type { BotTask } from '../store/directors.ts';
import type { RunnerRecord } from '../store/runners.ts';

/** What one person's Home tab shows. */
export interface HomeData {
  runners: { runner: RunnerRecord; online: boolean }[];
  requests: { request: BindingRequest; runnerName: string }[];
  tasks: BotTask[];
  channels: ChannelBinding[];
  runnerNames: ReadonlyMap<string, string>;
  now: number;
}

const STATE_LABEL = {
  held: '⏸ held',
  waiting: '⏳ waiting for runner',
  queued: '⏳ queued',
  preparing: '🛠 preparing',
  running: '▶️ running',
  verifying: '🧪 verifying',
  publishing: '📤 publishing',
  awaiting_review: '👀 awaiting review',
  finished: '✅ finished',
  failed: '❌ failed',
  cancelled: '⏹ stopped',
  interrupted: '⚠️ interrupted',
} satisfies Record<BotTaskState, string>;

type Block = KnownBlock;
const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: shorten(text, 2900) } });
const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text } });
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const date = (ms: number, fallback: string) => `<!date^${Math.floor(ms / 1000)}^{ago}|${fallback}>`;

function runnerLine({ runner, online }: HomeData['runners'][number]): string {
  const doctor = runner.doctor
    ? runner.doctor.ok
      ? `doctor ✓ ${date(runner.doctor.at, 'recently')}`
      : `doctor ✗ ${date(runner.doctor.at, 'recently')}: ${escapeMrkdwn(runner.doctor.problems[0] ?? 'see director doctor')}`
    : 'no doctor result yet';
  const sandbox = runner.sandbox === 'off' ? '*unsandboxed*' : runner.sandbox === 'bubblewrap' ? 'sandboxed' : 'sandbox unknown';
  const seen = online ? '🟢 online' : runner.last_seen === null ? '⚪ never connected' : `⚪ offline, last seen ${date(runner.last_seen, 'a while ago')}`;
  return `*${escapeMrkdwn(runner.name)}* — ${seen} · ${online ? runner.running : 0}/${runner.capacity} running · ${sandbox} · ${doctor}`;
}

function requestBlocks({ request, runnerName }: HomeData['requests'][number]): Block[] {
  return [
    section(
      `<@${request.requested_by}> asks to bind <#${request.channel}> to your runner *${escapeMrkdwn(runnerName)}* for *${escapeMrkdwn(request.settings.repo)}*.`,
    ),
    {
      type: 'actions',
      block_id: `home_request_${request.id}`,
      elements: [
        { type: 'button', action_id: APPROVE_ACTION, value: request.id, style: 'primary', text: { type: 'plain_text', text: 'Approve' } },
        { type: 'button', action_id: DENY_ACTION, value: request.id, style: 'danger', text: { type: 'plain_text', text: 'Deny' } },
      ],
    },
  ];
}

function taskLine(task: BotTask): string {
  const link = task.pr_url ? ` · <${task.pr_url}|pull request>` : task.url ? ` · <${task.url}|issue>` : '';
  return `${STATE_LABEL[task.state]} · *${escapeMrkdwn(shorten(task.title, 80))}* in <#${task.channel}> (\`${task.id}\`)${link}`;
}

/** The Home tab: runners, requests waiting for the viewer, their tasks, channels they maintain (≤ 100 blocks). */
export function homeView(data: HomeData): HomeView & { blocks: Block[] } {
  const blocks: Block[] = [header('Your runners')];
  blocks.push(
    data.runners.length === 0
      ? section('You have no runner. Pair one with `/director connect` (README: “Install a runner”).')
      : section(data.runners.map(runnerLine).join('\n')),
  );
  blocks.push({ type: 'divider' }, header('Waiting for you'));
  if (data.requests.length === 0) blocks.push(context('No binding request waits for your answer.'));
  else blocks.push(...data.requests.slice(0, 10).flatMap(requestBlocks));
  blocks.push({ type: 'divider' }, header('Your tasks'));
  blocks.push(data.tasks.length === 0 ? context('You have started no task yet.') : section(data.tasks.map(taskLine).join('\n')));
  blocks.push({ type: 'divider' }, header('Channels you maintain'));
  blocks.push(
    data.channels.length === 0
      ? context('You maintain no channel. `/director init owner/repo` binds one.')
      : section(
          data.channels
            .map(
              (c) =>
                `<#${c.channel}> — *${escapeMrkdwn(c.repo)}* on ${c.runner_id ? `*${escapeMrkdwn(data.runnerNames.get(c.runner_id) ?? 'a runner')}*` : 'no runner'}`,
            )
            .join('\n'),
        ),
  );
  return { type: 'home', blocks };
}
