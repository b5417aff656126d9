import type { BotTask } from '../store/directors.ts';
import type { ChannelBinding } from '../store/bindings.ts';
import type { MemoryEntry } from './memory.ts';

/**
 * Every "may this person do this" decision of a channel's Director, in one place. Maintainers are
 * whoever bound the channel plus those they named; a runner's own decisions (who owns it) live
 * with the runner records (`isOwner`).
 */

/** A maintainer of the channel. */
export function isMaintainer(user: string, binding: ChannelBinding | undefined): boolean {
  return binding?.maintainers.includes(user) ?? false;
}

/** Change a bound channel's settings (`init` again): its maintainers; anyone where a channel bound before maintainers existed has none. */
export function mayChangeSettings(user: string, binding: ChannelBinding): boolean {
  return binding.maintainers.length === 0 || isMaintainer(user, binding);
}

/** Stop or restart a task: its starter or a maintainer. */
export function mayStop(user: string, task: BotTask, binding: ChannelBinding | undefined): boolean {
  return task.starter === user || isMaintainer(user, binding);
}

/** `stop all`: maintainers. */
export function mayStopAll(user: string, binding: ChannelBinding): boolean {
  return isMaintainer(user, binding);
}

/** Steer a task from its thread: any member, or only its starter and the maintainers (`--steer maintainers`). */
export function maySteer(user: string, task: BotTask, binding: ChannelBinding | undefined): boolean {
  return binding?.steer !== 'maintainers' || mayStop(user, task, binding);
}

/** Forget a memory entry: its author, its task's starter or a maintainer; anyone where there are no maintainers. */
export function mayForget(user: string, entry: MemoryEntry, binding: ChannelBinding, taskStarter: string | undefined): boolean {
  return binding.maintainers.length === 0 || isMaintainer(user, binding) || entry.author === user || (taskStarter !== undefined && taskStarter === user);
}

/** Who may approve merges: the named mergers, else the maintainers. */
export function mergersOf(binding: ChannelBinding): string[] {
  return binding.mergers ?? binding.maintainers;
}

/** Approve & merge, Merge all ready: the channel's mergers. */
export function mayMerge(user: string, binding: ChannelBinding | undefined): boolean {
  return binding !== undefined && mergersOf(binding).includes(user);
}

/** Make, pause, resume, delete or run the channel's automations; an automation's runs also need its maker to still be one. */
export function mayManageAutomations(user: string, binding: ChannelBinding | undefined): boolean {
  return isMaintainer(user, binding);
}
