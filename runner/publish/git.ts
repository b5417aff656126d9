/** Who the runner commits as (not the agent, not the user's own git identity). */
export interface CommitIdentity {
  name: string;
  email: string;
}
