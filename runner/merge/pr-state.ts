import type { PrState } from '../../shared/protocol.ts';
import { verdict, type PullGate } from '../github/checks.ts';

/** The card's view of a PR: its size, its checks counted, the reviews its base branch requires. */
export function prState(taskId: string, gate: PullGate): PrState {
  const states = [...gate.checks.values()];
  const count = (s: string) => states.filter((x) => x === s).length;
  const v = verdict(gate);
  return {
    type: 'pr.state',
    taskId,
    pr: gate.pull.number,
    headSha: gate.pull.head.sha,
    draft: gate.pull.draft ?? false,
    merged: gate.pull.merged,
    mergeable: gate.pull.mergeable,
    files: gate.pull.changed_files,
    additions: gate.pull.additions,
    deletions: gate.pull.deletions,
    checks: {
      passed: count('passed'),
      // A required check that has not reported yet is pending too.
      pending: count('pending') + gate.rules.requiredChecks.filter((n) => !gate.checks.has(n)).length,
      failed: count('failed'),
      failing: (v.kind === 'failing' ? v.failing : []).slice(0, 20).map((n) => n.slice(0, 100)),
      waitingFor: (v.kind === 'pending' ? v.waitingFor : []).slice(0, 20).map((n) => n.slice(0, 100)),
    },
    reviews: { required: gate.rules.requiredApprovals, approved: gate.approvals },
  };
}
