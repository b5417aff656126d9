import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../../shared/db/open.ts';
import { parseRow, parseRows } from '../../shared/db/rows.ts';
import { mergeMethodSchema } from '../../shared/protocol.ts';

const jsonList = z.string().transform((s) => z.array(z.string()).parse(JSON.parse(s)));

/** What a channel is set to: the settings its maintainers change. */
export const channelSettingsSchema = z.object({
  repo: z.string(),
  project: z.string(),
  agent: z.string().nullable(),
  /** Besides whoever bound the channel. */
  maintainers: z.array(z.string()),
  /** Who may steer tasks by replying in their threads. */
  steer: z.enum(['members', 'maintainers']),
  /** Tasks of this channel running at once; null leaves it to the runner. */
  concurrency: z.number().nullable(),
  /** The runner's named verification command for this channel's tasks, instead of the project's default. */
  verify: z.string().nullable(),
  /** Who may approve merges; null: the maintainers. */
  mergers: z.array(z.string()).nullable().default(null),
  /** How PRs are merged; null: squash where the repository allows it. */
  merge_method: mergeMethodSchema.nullable().default(null),
  /** Who reviews before the PR (an agent of the runner's, or off); null for the runner's default. */
  review: z.string().nullable().default(null),
  /** What the runner does with feedback on the open PR (auto, ask, off); null for auto. */
  feedback: z.enum(['auto', 'ask', 'off']).nullable().default(null),
});
export type ChannelSettings = z.output<typeof channelSettingsSchema>;

const channelRow = channelSettingsSchema.extend({
  channel: z.string(),
  team: z.string().nullable(),
  maintainers: jsonList,
  mergers: jsonList.nullable(),
  /** The runner it is bound to, by id; null when that runner was revoked (or never approved). */
  runner_id: z.string().nullable(),
});
/** A channel bound to a project and a runner. */
export type ChannelBinding = z.output<typeof channelRow>;

const requestRow = z.object({
  id: z.string(),
  channel: z.string(),
  team: z.string(),
  runner_id: z.string(),
  requested_by: z.string(),
  settings: z.string().transform((s) => channelSettingsSchema.parse(JSON.parse(s))),
  created_at: z.number(),
  decided_at: z.number().nullable(),
  decision: z.enum(['approved', 'denied']).nullable(),
  decided_by: z.string().nullable(),
});
/** A channel asking a runner's owner to be bound to the runner. */
export type BindingRequest = z.output<typeof requestRow>;

/** Channel bindings and the requests that wait for a runner owner's answer. */
export class BindingStore {
  private readonly s;

  constructor(private readonly db: Db) {
    this.s = {
      bind: db.prepare(
        `INSERT INTO channels (channel, team, repo, project, runner, runner_id, agent, maintainers, steer, concurrency, verify, mergers, merge_method, review, feedback, updated_at)
         VALUES (@channel, @team, @repo, @project, NULL, @runner_id, @agent, @maintainers, @steer, @concurrency, @verify, @mergers, @merge_method, @review, @feedback, @now)
         ON CONFLICT (channel) DO UPDATE SET team = excluded.team, repo = excluded.repo, project = excluded.project, runner = NULL,
           runner_id = excluded.runner_id, agent = excluded.agent, maintainers = excluded.maintainers, steer = excluded.steer,
           concurrency = excluded.concurrency, verify = excluded.verify, mergers = excluded.mergers, merge_method = excluded.merge_method,
           review = excluded.review, feedback = excluded.feedback,
           updated_at = excluded.updated_at`,
      ),
      binding: db.prepare(
        'SELECT channel, team, repo, project, runner_id, agent, maintainers, steer, concurrency, verify, mergers, merge_method, review, feedback FROM channels WHERE channel = ?',
      ),
      boundTo: db.prepare(
        'SELECT channel, team, repo, project, runner_id, agent, maintainers, steer, concurrency, verify, mergers, merge_method, review, feedback FROM channels WHERE runner_id = ?',
      ),
      unbindRunner: db.prepare('UPDATE channels SET runner_id = NULL, updated_at = ? WHERE runner_id = ?'),
      addRequest: db.prepare(
        'INSERT INTO binding_requests (id, channel, team, runner_id, requested_by, settings, created_at) VALUES (@id, @channel, @team, @runner_id, @requested_by, @settings, @now)',
      ),
      request: db.prepare('SELECT * FROM binding_requests WHERE id = ?'),
      openRequest: db.prepare('SELECT * FROM binding_requests WHERE channel = ? AND runner_id = ? AND decided_at IS NULL'),
      decide: db.prepare('UPDATE binding_requests SET decided_at = ?, decision = ?, decided_by = ? WHERE id = ? AND decided_at IS NULL'),
      dropOpen: db.prepare(
        "UPDATE binding_requests SET decided_at = ?, decision = 'denied', decided_by = 'revoked' WHERE runner_id = ? AND decided_at IS NULL",
      ),
    };
  }

  transaction<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  bind(binding: ChannelBinding, now: number): void {
    const mergers = binding.mergers === null ? null : JSON.stringify(binding.mergers);
    this.s.bind.run({ ...binding, maintainers: JSON.stringify(binding.maintainers), mergers, merge_method: binding.merge_method, now });
  }

  binding(channel: string): ChannelBinding | undefined {
    return parseRow(channelRow, this.s.binding.get(channel));
  }

  /** Channels bound to a runner. */
  boundTo(runnerId: string): ChannelBinding[] {
    return parseRows(channelRow, this.s.boundTo.all(runnerId));
  }

  /** A revoked runner's channels lose it (and its open requests are dropped); returns those channels. */
  unbindRunner(runnerId: string, now: number): ChannelBinding[] {
    return this.transaction(() => {
      const bound = this.boundTo(runnerId);
      this.s.unbindRunner.run(now, runnerId);
      this.s.dropOpen.run(now, runnerId);
      return bound;
    });
  }

  /** Records a request, or returns the one already open for this channel and runner. */
  request(input: { channel: string; team: string; runner_id: string; requested_by: string; settings: ChannelSettings }, now: number): BindingRequest {
    return this.transaction(() => {
      const open = parseRow(requestRow, this.s.openRequest.get(input.channel, input.runner_id));
      if (open) return open;
      const id = `b${randomBytes(6).toString('hex')}`;
      this.s.addRequest.run({ ...input, id, settings: JSON.stringify(input.settings), now });
      const added = this.requestById(id);
      if (!added) throw new Error(`binding request ${id} vanished`);
      return added;
    });
  }

  requestById(id: string): BindingRequest | undefined {
    return parseRow(requestRow, this.s.request.get(id));
  }

  /** Records the owner's answer; false when the request was already decided. */
  decide(id: string, decision: 'approved' | 'denied', by: string, now: number): boolean {
    return this.s.decide.run(now, decision, by, id).changes === 1;
  }
}
