import type { PrState } from '../../shared/protocol.ts';
import { cutMrkdwn, escapeMrkdwn, slackLink } from '../../shared/text.ts';
import type { BotTask } from '../store/directors.ts';
import type { MergeState, TaskMerge } from '../store/merges.ts';
import type { MessageBody } from '../store/slack-messages.ts';
import { mention } from './announcements.ts';

type Blocks = MessageBody['blocks'];

export const APPROVE_MERGE = 'merge_approve';
export const REQUEST_CHANGES = 'merge_request_changes';
export const VIEW_DIFF = 'merge_view_diff';
export const MERGE_ALL = 'merge_all_ready';

const short = (sha: string | null | undefined) => `\`${(sha ?? '').slice(0, 7)}\``;

/** What the merge line says, by the state of the latest merge asked. */
const MERGE_LINE = {
  asked: (m) => `:arrows_counterclockwise: Merging — approved by ${mention(m.by_user)} at ${short(m.sha)}`,
  waiting: (m) =>
    `:hourglass_flowing_sand: *Merge when green* — approved by ${mention(m.by_user)} at ${short(m.sha)}; ${escapeMrkdwn(m.reason ?? 'waiting for checks')}`,
  merged: (m) => `:tada: *Merged* by ${mention(m.by_user)} at ${short(m.merge_sha)}`,
  moved: (m) => `:warning: Not merged: ${escapeMrkdwn(m.reason ?? 'the head moved')}. Look at the new head, then click again.`,
  refused: (m) => `:no_entry: Not merged: ${escapeMrkdwn(m.reason ?? 'refused by the runner')}`,
  gave_up: (m) => `:no_entry: Merge when green gave up: ${escapeMrkdwn(m.reason ?? 'checks did not pass')}`,
} satisfies Record<MergeState, (merge: TaskMerge) => string>;

/** A merge in flight or done: Approve & merge is not offered. */
export const mergeBusy = (merge: TaskMerge | undefined): boolean => merge !== undefined && ['asked', 'waiting', 'merged'].includes(merge.state);

/** ✅ 5 · ⏳ 1 · ❌ 0, and the reviews the base branch requires. */
function summary(pr: PrState): string {
  const { checks, reviews } = pr;
  const size = `${pr.files} file${pr.files === 1 ? '' : 's'} changed · +${pr.additions} −${pr.deletions}`;
  const review = reviews.required > 0 ? ` · reviews ${reviews.approved}/${reviews.required} required` : '';
  return `${size} · checks ✅ ${checks.passed} · ⏳ ${checks.pending} · ❌ ${checks.failed}${review} · head ${short(pr.headSha)}${pr.draft ? ' · draft' : ''}`;
}

/** Why a click would not merge now, said on the card before anyone clicks. */
function blockers(pr: PrState, url: string | null): string[] {
  const out: string[] = [];
  if (pr.mergeable === false) out.push(':warning: conflicts with the base branch: its agent gets a turn to resolve it');
  if (pr.checks.failing.length > 0) out.push(`:x: failing: ${pr.checks.failing.map(escapeMrkdwn).join(', ')}`);
  else if (pr.checks.waitingFor.length > 0)
    out.push(`:hourglass: checks running: ${pr.checks.waitingFor.map(escapeMrkdwn).join(', ')} (a click merges when green)`);
  if (pr.reviews.approved < pr.reviews.required) {
    out.push(
      `:lock: GitHub requires ${pr.reviews.required} approving review(s), the PR has ${pr.reviews.approved}; the runner cannot approve its own PR — ${slackLink(url, 'review it on GitHub')}`,
    );
  }
  return out;
}

/** The review section of a card awaiting review (or merged): the diff at a glance, the merge's state, the buttons. */
export function reviewBlocks(task: BotTask, pr: PrState | undefined, merge: TaskMerge | undefined): Blocks {
  if (!pr || (task.state !== 'awaiting_review' && merge?.state !== 'merged')) return [];
  const lines = [summary(pr)];
  if (merge) lines.push(MERGE_LINE[merge.state](merge));
  if (merge?.state !== 'merged') lines.push(...blockers(pr, task.pr_url));
  const blocks: Blocks = [{ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(lines.join('\n')) } }];
  if (merge?.state === 'merged' || pr.merged) return blocks;
  const button = (action_id: string, text: string, value: string, style?: 'primary') => ({
    type: 'button',
    action_id,
    value,
    text: { type: 'plain_text', text },
    ...(style && { style }),
  });
  blocks.push({
    type: 'actions',
    elements: [
      ...(mergeBusy(merge) ? [] : [button(APPROVE_MERGE, 'Approve & merge', `${task.id}:${pr.headSha}`, 'primary')]),
      button(REQUEST_CHANGES, 'Request changes', task.id),
      button(VIEW_DIFF, 'View diff', task.id),
    ],
  });
  return blocks;
}

/** A task Merge all ready would merge: awaiting review, its PR described, nothing blocking, no merge under way. */
export function readyToMerge(task: BotTask, pr: PrState | undefined, merge: TaskMerge | undefined): pr is PrState {
  return (
    task.state === 'awaiting_review' &&
    pr !== undefined &&
    !pr.merged &&
    pr.mergeable !== false &&
    !mergeBusy(merge) &&
    pr.checks.failed === 0 &&
    pr.reviews.approved >= pr.reviews.required
  );
}

/** The batch card's release line: merged, ready, waiting and why; Merge all ready (n). */
export function batchReleaseBlocks(batchId: string, rows: { task: BotTask; pr: PrState | undefined; merge: TaskMerge | undefined }[]): Blocks {
  const merged = rows.filter((r) => r.merge?.state === 'merged' || r.pr?.merged);
  const ready = rows.filter((r) => readyToMerge(r.task, r.pr, r.merge));
  const waiting = rows.filter((r) => r.merge && ['asked', 'waiting'].includes(r.merge.state));
  const stuck = rows.filter((r) => r.merge && ['moved', 'refused', 'gave_up'].includes(r.merge.state));
  if (merged.length + ready.length + waiting.length + stuck.length === 0) return [];
  const title = (t: BotTask) => (t.issue_number === null ? escapeMrkdwn(t.title) : `#${t.issue_number}`);
  const lines = [`:rocket: Merged ${merged.length} of ${rows.length} · ready ${ready.length}${waiting.length > 0 ? ` · merging ${waiting.length}` : ''}`];
  for (const r of stuck) lines.push(`• ${title(r.task)} waits: ${escapeMrkdwn(r.merge?.reason ?? '')}`);
  const blocks: Blocks = [{ type: 'section', text: { type: 'mrkdwn', text: cutMrkdwn(lines.join('\n')) } }];
  if (ready.length > 0) {
    blocks.push({
      type: 'actions',
      elements: [
        { type: 'button', action_id: MERGE_ALL, value: batchId, style: 'primary', text: { type: 'plain_text', text: `Merge all ready (${ready.length})` } },
      ],
    });
  }
  return blocks;
}
