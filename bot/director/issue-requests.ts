import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';

export interface FoundIssue {
  number: number;
  title: string;
  url: string;
}

/** Questions to runners that wait for an answer frame (issue listings), with a time limit. */
export class IssueRequests {
  private readonly pending = new Map<string, (result: { issues: FoundIssue[]; error?: string }) => void>();

  constructor(private readonly clock: Clock) {}

  /** A new request id and the promise of its answer (an error after `timeoutMs`). */
  open(timeoutMs = 60_000): { requestId: string; answer: Promise<{ issues: FoundIssue[]; error?: string }> } {
    const requestId = randomUUID();
    const answer = new Promise<{ issues: FoundIssue[]; error?: string }>((resolve) => {
      this.pending.set(requestId, resolve);
      void this.clock.sleep(timeoutMs).then(() => {
        if (this.pending.delete(requestId)) resolve({ issues: [], error: 'the runner did not answer within a minute: check `director runner status` on its machine' });
      });
    });
    return { requestId, answer };
  }

  answer(requestId: string, result: { issues: FoundIssue[]; error?: string }): void {
    const resolve = this.pending.get(requestId);
    this.pending.delete(requestId);
    resolve?.(result);
  }
}
