import type { Clock } from '../../shared/clock.ts';
import { CloseCode } from '../../shared/protocol.ts';
import { escapeMrkdwn } from '../../shared/text.ts';
import { mention, type Announcements } from '../director/announcements.ts';
import type { Bindings } from '../director/bindings.ts';
import type { CommandContext } from '../director/command.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { Pairing } from '../runners/pairing.ts';
import type { BindingStore } from '../store/bindings.ts';
import type { RunnerRecord, RunnerStore } from '../store/runners.ts';

export interface RunnerCommandDeps {
  pairing: Pairing;
  runners: RunnerStore;
  bindings: BindingStore;
  binder: Bindings;
  announcements: Announcements;
  hub: RunnerHub;
  clock: Clock;
  /** The URL runners use to reach this bot. */
  publicUrl: string;
}

/** `/director connect`: a one-time code, shown only to the person who asked; the runner it pairs is theirs. */
export function connectReply({ pairing, publicUrl }: RunnerCommandDeps, ctx: CommandContext): string {
  const { code } = pairing.createCode(ctx.channel, ctx.user, ctx.team);
  return [
    `Your pairing code: *${code}* (valid for 10 minutes, once). The runner you pair with it is yours: only you approve channels that want to use it.`,
    'On the machine that should run agents, with the `director` command installed (README, “Install a runner”: `npm install -g director-slack-<version>.tgz`):',
    `\`\`\`director runner pair ${code} --url ${publicUrl} --name <runner name>\ndirector doctor\ndirector runner start\`\`\``,
  ].join('\n');
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

/** The runner's last doctor check, as its last hello said: ` · doctor ✓ 2h ago`, or the first problem. */
export function doctorNote(r: RunnerRecord, now: number): string {
  if (!r.doctor) return '';
  const when = ago(now - r.doctor.at);
  if (r.doctor.ok) return ` · doctor ✓ ${when}`;
  const [first, ...more] = r.doctor.problems;
  return ` · doctor ✗ ${when}${first ? `: ${escapeMrkdwn(first)}` : ''}${more.length > 0 ? ` (+${more.length} more)` : ''}`;
}

/** `/director runners`: this channel's runner and the asker's own, nothing else. */
export function runnersReply({ runners, bindings, hub, clock }: RunnerCommandDeps, ctx: CommandContext): string {
  const line = (r: RunnerRecord, note: string) => {
    const online = hub.isOnline(r.id);
    const seen = online ? 'online' : r.last_seen === null ? 'never connected' : `offline, last seen ${ago(clock.now() - r.last_seen)}`;
    return `• *${escapeMrkdwn(r.name)}*${note} — ${seen} · ${online ? r.running : 0}/${r.capacity} running${doctorNote(r, clock.now())}`;
  };
  const boundId = bindings.binding(ctx.channel)?.runner_id;
  const bound = boundId ? runners.byId(boundId) : undefined;
  const own = runners.ownedBy(ctx.user, ctx.team);
  const lines = [
    ...(bound && bound.revoked_at === null ? [line(bound, ` (this channel’s, owned by ${mention(bound.created_by)})`)] : []),
    ...own.filter((r) => r.id !== bound?.id).map((r) => line(r, ' (yours)')),
  ];
  if (lines.length === 0) return 'This channel has no runner and you have none. Pair one with `/director connect`.';
  return ['Runners:', ...lines].join('\n');
}

/** `/director runners revoke <name>`: only its owner; refuses its token, closes its socket, and tells its channels. */
export function revokeReply({ runners, hub, clock, binder }: RunnerCommandDeps, ctx: CommandContext, name: string): string {
  const runner = runners.ownedBy(ctx.user, ctx.team).find((r) => r.name === name);
  if (!runner) return `You have no runner named "${escapeMrkdwn(name)}": only a runner’s owner revokes it. \`/director runners\` lists yours.`;
  runners.revoke(runner.id, clock.now());
  hub.disconnect(runner.id, CloseCode.revoked, `runner "${runner.name}" was revoked in Slack: pair it again with /director connect`);
  binder.runnerRevoked(runner, ctx.user);
  return `Revoked runner *${escapeMrkdwn(runner.name)}*: its connection is closed, its token no longer works, and the channels bound to it were told.`;
}

/** `/director claim <code>`: the runner `director local` started becomes the asker's. */
export function claimReply({ pairing, announcements }: RunnerCommandDeps, ctx: CommandContext, code: string): string {
  const runner = pairing.claim(code, ctx.user, ctx.team);
  if (!runner) return 'That claim code is not valid: `director local` prints it when it starts (or set DIRECTOR_OWNER to your Slack user id).';
  const name = escapeMrkdwn(runner.name);
  announcements.announce(null, ctx.user, 'runner_claimed', `${mention(ctx.user)} claimed runner *${name}*.`);
  return `Runner *${name}* is yours now: bind a channel to it with \`/director init owner/repo --runner ${name}\`.`;
}
