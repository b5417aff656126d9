import type { Clock } from '../../shared/clock.ts';
import { CloseCode } from '../../shared/protocol.ts';
import type { RunnerHub } from '../runners/hub.ts';
import type { Pairing } from '../runners/pairing.ts';
import { escapeMrkdwn } from '../../shared/text.ts';
import type { RunnerStore } from '../store/runners.ts';

export interface RunnerCommandDeps {
  pairing: Pairing;
  runners: RunnerStore;
  hub: RunnerHub;
  clock: Clock;
  /** The URL runners use to reach this bot. */
  publicUrl: string;
}

/** `/director connect`: a one-time code, shown only to the person who asked. */
export function connectReply({ pairing, publicUrl }: RunnerCommandDeps, channel: string, user: string): string {
  const { code } = pairing.createCode(channel, user);
  return [
    `Your pairing code: *${code}* (valid for 10 minutes, once).`,
    'On the machine that should run agents:',
    `\`\`\`npx director runner pair ${code} --url ${publicUrl} --name <runner name>\nnpx director runner start\`\`\``,
  ].join('\n');
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}

/** `/director runners`: name, online, last seen, running/capacity. */
export function runnersReply({ runners, hub, clock }: RunnerCommandDeps): string {
  const list = runners.active();
  if (list.length === 0) return 'No runners yet. Pair one with `/director connect`.';
  const lines = list.map((r) => {
    const online = hub.isOnline(r.id);
    const seen = online ? 'online' : r.last_seen === null ? 'never connected' : `offline, last seen ${ago(clock.now() - r.last_seen)}`;
    return `• *${escapeMrkdwn(r.name)}* — ${seen} · ${online ? r.running : 0}/${r.capacity} running`;
  });
  return [`Runners (${list.length}):`, ...lines].join('\n');
}

/** `/director runners revoke <name>`: refuse its token and close its socket now. */
export function revokeReply({ runners, hub, clock }: RunnerCommandDeps, name: string): string {
  const runner = runners.activeByName(name);
  if (!runner) return `There is no runner named "${escapeMrkdwn(name)}". \`/director runners\` lists them.`;
  runners.revoke(runner.id, clock.now());
  hub.disconnect(runner.id, CloseCode.revoked, `runner "${runner.name}" was revoked in Slack: pair it again with /director connect`);
  return `Revoked runner *${escapeMrkdwn(runner.name)}*: its connection is closed and its token no longer works.`;
}
