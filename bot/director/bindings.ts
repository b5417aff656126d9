import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { escapeMrkdwn } from '../../shared/text.ts';
import type { SlackOutbox } from '../slack/outbox.ts';
import type { MessageBody } from '../store/slack-messages.ts';
import type { BindingRequest, BindingStore, ChannelBinding, ChannelSettings } from '../store/bindings.ts';
import { isOwner, type RunnerRecord, type RunnerStore } from '../store/runners.ts';
import { mention, type Announcements } from './announcements.ts';
import type { CommandContext, DirectorCommand } from './command.ts';
import { mayChangeSettings } from './permissions.ts';
import { settingsChanges } from './settings-changes.ts';

export interface BindingsOptions {
  bindings: BindingStore;
  runners: RunnerStore;
  outbox: SlackOutbox;
  announcements: Announcements;
  /** The app's direct message channel with a person. */
  directMessage: (user: string) => Promise<string>;
  clock: Clock;
  log: Logger;
}

type Init = Extract<DirectorCommand, { kind: 'init' }>;

/** The owner's answer buttons carry the request id. */
export const APPROVE_ACTION = 'binding_approve';
export const DENY_ACTION = 'binding_deny';
const requestKey = (id: string) => `binding:${id}:request`;

/**
 * Binding channels to runners. A person binds a channel to their own runner at once; binding it to
 * someone else's runner asks that runner's owner, who approves or denies with buttons in a direct
 * message; nothing reaches the runner before. A bound channel's settings change only by its
 * maintainers, and every change is recorded and announced.
 */
export class Bindings {
  constructor(private readonly options: BindingsOptions) {}

  /** `/director init …`: binds, changes settings, or asks a runner's owner. */
  init(command: Init, ctx: CommandContext): string {
    const { bindings } = this.options;
    const current = bindings.binding(ctx.channel);
    if (current && !mayChangeSettings(ctx.user, current)) {
      return `Only this channel’s maintainers (${current.maintainers.map(mention).join(', ')}) change its settings.`;
    }
    const target = this.targetRunner(command, ctx, current);
    if (typeof target === 'string') return target;
    const settings = nextSettings(command, ctx, current);
    // Checked before binding, so a task does not fail later on a project the runner does not have.
    if (target.projects && !target.projects.includes(settings.project)) {
      const has = target.projects.length > 0 ? target.projects.map((p) => `\`${escapeMrkdwn(p)}\``).join(', ') : 'none';
      return `Runner *${escapeMrkdwn(target.name)}* has no project \`${escapeMrkdwn(settings.project)}\` (it has: ${has}). Name one with \`--project <name>\`, or its owner adds it to the runner's PROJECTS.`;
    }
    const keepsRunner = current?.runner_id === target.id;
    if (keepsRunner || isOwner(target, ctx.user, ctx.team)) return this.bind(ctx.channel, ctx.team, target, settings, ctx.user, current);
    return this.ask(ctx, target, settings);
  }

  /** The owner's Approve or Deny. Returns what the clicker is told (ephemerally). */
  decide(requestId: string, approve: boolean, user: string, team: string): string {
    const { bindings, runners, clock } = this.options;
    const request = bindings.requestById(requestId);
    if (!request) return 'That binding request is unknown here.';
    const runner = runners.byId(request.runner_id);
    if (!runner || runner.revoked_at !== null) return 'That runner was revoked: there is nothing to bind.';
    if (!isOwner(runner, user, team)) return `Only the owner of runner *${escapeMrkdwn(runner.name)}* can answer this request.`;
    const current = bindings.binding(request.channel);
    if (approve && current && !mayChangeSettings(request.requested_by, current)) {
      bindings.decide(request.id, 'denied', user, clock.now());
      this.showDecision(request, runner, 'was overtaken: the channel is now bound by someone else, so nothing changed');
      return 'The channel was bound by someone else meanwhile; nothing changed.';
    }
    if (!bindings.decide(request.id, approve ? 'approved' : 'denied', user, clock.now())) return 'This request was already answered.';
    if (!approve) {
      this.options.announcements.announce(
        request.channel,
        user,
        'binding_denied',
        `${mention(user)} declined binding this channel to their runner *${escapeMrkdwn(runner.name)}* (asked by ${mention(request.requested_by)}).`,
      );
      this.showDecision(request, runner, 'was denied');
      return 'Denied: the channel was told.';
    }
    this.bind(request.channel, request.team, runner, request.settings, request.requested_by, current, user);
    this.showDecision(request, runner, 'was approved');
    return 'Approved: the channel is bound to your runner.';
  }

  /** A revoked runner's channels lose it and are told. */
  runnerRevoked(runner: RunnerRecord, by: string): void {
    const { bindings, clock, announcements } = this.options;
    for (const binding of bindings.unbindRunner(runner.id, clock.now())) {
      announcements.announce(
        binding.channel,
        by,
        'runner_revoked',
        `${mention(by)} revoked runner *${escapeMrkdwn(runner.name)}*: this channel has no runner until it is bound again with \`/director init\`.`,
      );
    }
  }

  private targetRunner(command: Init, ctx: CommandContext, current: ChannelBinding | undefined): RunnerRecord | string {
    const { runners } = this.options;
    if (!command.runner) {
      const bound = current?.runner_id ? runners.byId(current.runner_id) : undefined;
      if (bound && bound.revoked_at === null) return bound;
      const own = runners.ownedBy(ctx.user, ctx.team);
      if (own.length === 1 && own[0]) return own[0];
      return own.length === 0
        ? 'Name the runner to bind: `--runner <name>`. Yours are listed by `/director runners`; `/director connect` pairs one.'
        : `You have ${own.length} runners: name one with \`--runner <name>\` (\`/director runners\` lists them).`;
    }
    const name = command.runner;
    const own = runners.ownedBy(ctx.user, ctx.team).find((r) => r.name === name);
    if (own && (!command.owner || command.owner === ctx.user)) return own;
    const candidates = runners
      .named(name)
      .filter((r) => r.created_by !== '' && (r.owner_team === null || r.owner_team === ctx.team))
      .filter((r) => !command.owner || r.created_by === command.owner);
    const [only] = candidates;
    if (candidates.length === 1 && only) return only;
    if (candidates.length === 0) return `There is no runner named "${escapeMrkdwn(name)}" here. Its owner can pair one with \`/director connect\`.`;
    return `Several people have a runner named "${escapeMrkdwn(name)}": add \`--owner @person\` to say whose.`;
  }

  private bind(
    channel: string,
    team: string,
    runner: RunnerRecord,
    settings: ChannelSettings,
    binder: string,
    current: ChannelBinding | undefined,
    approvedBy?: string,
  ): string {
    const { bindings, clock, announcements } = this.options;
    const next: ChannelBinding = { ...settings, channel, team, runner_id: runner.id };
    bindings.bind(next, clock.now());
    const where = `*${escapeMrkdwn(settings.repo)}* (project \`${escapeMrkdwn(settings.project)}\`) on runner *${escapeMrkdwn(runner.name)}*`;
    if (!current || current.runner_id !== runner.id || current.repo !== settings.repo) {
      const approval = approvedBy ? ` (approved by its owner ${mention(approvedBy)})` : '';
      announcements.announce(
        channel,
        approvedBy ?? binder,
        approvedBy ? 'binding_approved' : 'bound',
        `${mention(binder)} bound this channel to ${where}${approval}.`,
      );
    } else {
      for (const change of settingsChanges(current, next)) announcements.announce(channel, binder, 'settings_changed', `${mention(binder)} ${change}.`);
    }
    return `This channel now directs ${where}. Try \`/director fix top 3 issues\`.`;
  }

  private ask(ctx: CommandContext, runner: RunnerRecord, settings: ChannelSettings): string {
    const { bindings, clock, announcements, outbox, directMessage, log } = this.options;
    const request = bindings.request({ channel: ctx.channel, team: ctx.team, runner_id: runner.id, requested_by: ctx.user, settings }, clock.now());
    announcements.announce(
      ctx.channel,
      ctx.user,
      'binding_requested',
      `${mention(ctx.user)} asked ${mention(runner.created_by)} to bind this channel to their runner *${escapeMrkdwn(runner.name)}* (${escapeMrkdwn(settings.repo)}).`,
    );
    void directMessage(runner.created_by)
      .then((dm) => outbox.show(requestKey(request.id), { channel: dm }, requestMessage(request, runner)))
      .catch((error: unknown) => log.warn({ err: error }, 'binding request not delivered to the runner’s owner'));
    return `Asked ${mention(runner.created_by)}, the owner of runner *${escapeMrkdwn(runner.name)}*, to approve. Nothing reaches the runner until they do.`;
  }

  /** Edits the owner's request message to say how it ended (and removes its buttons). */
  private showDecision(request: BindingRequest, runner: RunnerRecord, outcome: string): void {
    const { outbox, directMessage, log } = this.options;
    const text = `The request to bind <#${request.channel}> to runner *${escapeMrkdwn(runner.name)}* (${escapeMrkdwn(request.settings.repo)}) ${outcome}.`;
    void directMessage(runner.created_by)
      .then((dm) => outbox.show(requestKey(request.id), { channel: dm }, { text }))
      .catch((error: unknown) => log.warn({ err: error }, 'binding request not updated'));
  }
}

/** The settings an `init` asks for: what it names, the rest kept from the current binding; the binder stays a maintainer. */
function nextSettings(command: Init, ctx: CommandContext, current: ChannelBinding | undefined): ChannelSettings {
  const sameRepo = current?.repo === command.repo;
  const maintainers = command.maintainers ?? current?.maintainers ?? [];
  return {
    repo: command.repo,
    project: command.project ?? (sameRepo && current ? current.project : (command.repo.split('/')[1] ?? command.repo)),
    agent: command.agent ?? current?.agent ?? null,
    maintainers: [...new Set([ctx.user, ...maintainers])],
    steer: command.steer ?? current?.steer ?? 'members',
    concurrency: command.concurrency ?? current?.concurrency ?? null,
    verify: command.verify ?? current?.verify ?? null,
    mergers: command.mergers ?? current?.mergers ?? null,
    merge_method: command.merge ?? current?.merge_method ?? null,
    review: command.review ?? current?.review ?? null,
    feedback: command.feedback ?? current?.feedback ?? null,
  };
}

/** The owner's message: who asks, for which channel and repository, with Approve and Deny. */
function requestMessage(request: BindingRequest, runner: RunnerRecord): MessageBody {
  const text = `${mention(request.requested_by)} asks to bind <#${request.channel}> to your runner *${escapeMrkdwn(runner.name)}* for *${escapeMrkdwn(request.settings.repo)}*. Tasks from that channel would run on your machine.`;
  return {
    text,
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text } },
      {
        type: 'actions',
        elements: [
          { type: 'button', action_id: APPROVE_ACTION, value: request.id, style: 'primary', text: { type: 'plain_text', text: 'Approve' } },
          { type: 'button', action_id: DENY_ACTION, value: request.id, style: 'danger', text: { type: 'plain_text', text: 'Deny' } },
        ],
      },
    ],
  };
}
