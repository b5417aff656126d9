import { escapeMrkdwn } from '../../shared/text.ts';
import type { ChannelSettings } from '../store/bindings.ts';
import { mention } from './announcements.ts';

/** How each setting's change is said in the channel ("<@bob> changed who may steer to maintainers"). */
const SAID = {
  repo: (to) => `changed the repository to *${escapeMrkdwn(to.repo)}*`,
  project: (to) => `changed the runner's project to \`${escapeMrkdwn(to.project)}\``,
  agent: (to) => (to.agent ? `changed the agent to \`${escapeMrkdwn(to.agent)}\`` : 'reset the agent to the runner’s default'),
  maintainers: (to) => `changed the maintainers to ${to.maintainers.map(mention).join(', ')}`,
  steer: (to) => `changed who may steer to ${to.steer === 'maintainers' ? 'the starter and maintainers' : 'all members'}`,
  concurrency: (to) =>
    to.concurrency === null ? 'lifted the channel’s limit on tasks at once' : `set the channel’s limit to ${to.concurrency} task(s) at once`,
  verify: (to) =>
    to.verify ? `changed the verification to the runner’s \`${escapeMrkdwn(to.verify)}\` command` : 'reset the verification to the project’s default',
  mergers: (to) => (to.mergers ? `changed who may merge to ${to.mergers.map(mention).join(', ')}` : 'let the maintainers merge'),
  merge_method: (to) => (to.merge_method ? `set the merge method to ${to.merge_method}` : 'reset the merge method to squash where allowed'),
  review: (to) =>
    to.review === 'off'
      ? 'turned the reviewer before PRs off'
      : to.review
        ? `set the reviewer before PRs to \`${escapeMrkdwn(to.review)}\``
        : 'reset the reviewer before PRs to the runner’s default',
  feedback: (to) =>
    to.feedback === 'off'
      ? 'turned addressing PR feedback off'
      : to.feedback === 'ask'
        ? 'set PR feedback to be shown here before the agent addresses it'
        : 'set PR feedback to be addressed by the agent automatically',
} satisfies Record<keyof ChannelSettings, (to: ChannelSettings) => string>;

const same = (a: ChannelSettings[keyof ChannelSettings], b: ChannelSettings[keyof ChannelSettings]) => JSON.stringify(a) === JSON.stringify(b);

/** One line per setting that differs, in a fixed order. */
export function settingsChanges(from: ChannelSettings, to: ChannelSettings): string[] {
  return (Object.keys(SAID) as (keyof ChannelSettings)[]).filter((key) => !same(from[key], to[key])).map((key) => SAID[key](to));
}
