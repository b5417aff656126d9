import { randomUUID } from 'node:crypto';
import type { Clock } from '../../shared/clock.ts';
import type { SentryIssueFound } from '../../shared/protocol.ts';

export interface FoundIssue {
  number: number;
  title: string;
  url: string;
}

export interface IssuesAnswer {
  issues: FoundIssue[];
  error?: string;
}

export interface SentryAnswer {
  issues: SentryIssueFound[];
  /** Issues over the thresholds that a task or an open PR already covers. */
  covered: number;
  error?: string;
}

export interface SummaryAnswer {
  summary: string;
  error?: string;
}

const NO_ANSWER = 'the runner did not answer within a minute: check `director runner status` on its machine';

/** Questions to runners that wait for an answer frame (issue listings, task summaries), with a time limit. */
export class RunnerRequests<T> {
  private readonly pending = new Map<string, (result: T) => void>();

  constructor(
    private readonly clock: Clock,
    /** The answer when the runner stays silent, given the reason. */
    private readonly silent: (reason: string) => T,
  ) {}

  /** A new request id and the promise of its answer (the silent answer after `timeoutMs`). */
  open(timeoutMs = 60_000): { requestId: string; answer: Promise<T> } {
    const requestId = randomUUID();
    const answer = new Promise<T>((resolve) => {
      this.pending.set(requestId, resolve);
      void this.clock.sleep(timeoutMs).then(() => {
        if (this.pending.delete(requestId)) resolve(this.silent(NO_ANSWER));
      });
    });
    return { requestId, answer };
  }

  answer(requestId: string, result: T): void {
    const resolve = this.pending.get(requestId);
    this.pending.delete(requestId);
    resolve?.(result);
  }
}

export const issueRequests = (clock: Clock) => new RunnerRequests<IssuesAnswer>(clock, (error) => ({ issues: [], error }));
export const summaryRequests = (clock: Clock) => new RunnerRequests<SummaryAnswer>(clock, (error) => ({ summary: '', error }));
export const sentryRequests = (clock: Clock) => new RunnerRequests<SentryAnswer>(clock, (error) => ({ issues: [], covered: 0, error }));
