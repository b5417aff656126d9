import type { KnownMilestone } from '../../shared/milestones.ts';
import type { TaskRecord } from '../tasks/store.ts';

/**
 * Keeps a task's thread quiet once its draft PR exists: a later cycle (after steering or a retry)
 * posts once — its tests and the PR update fold into the "ready for review again" post — plus a
 * question or a failure. Plans after the first only tick on the card.
 */
export class ThreadBudget {
  private readonly notes = new Map<string, string>();

  shape(task: TaskRecord, milestone: KnownMilestone | undefined): KnownMilestone | undefined {
    if (!milestone || task.pr_number === null) return milestone;
    if (milestone.kind === 'pr' && !milestone.updated) return milestone;
    if (milestone.kind === 'verification' || milestone.kind === 'pr') {
      const notes = this.notes.get(task.id);
      // The last verification and the PR update are what the ready post says.
      const kept = milestone.kind === 'verification' ? milestone.text : `${notes ?? ''}${notes ? ' · ' : ''}${milestone.text}`;
      this.notes.set(task.id, kept);
      return { ...milestone, post: false };
    }
    if (milestone.kind === 'plan') return { ...milestone, post: false };
    if (milestone.kind === 'finished' && task.state === 'awaiting_review') {
      const notes = this.notes.get(task.id);
      this.notes.delete(task.id);
      return notes ? { ...milestone, text: `Ready for review again: ${notes}` } : milestone;
    }
    return milestone;
  }
}
