// What the review loop needs beyond the core store: collaborators' permissions, check-run
// annotations and job logs. Kept beside the store (one per emulator), not in it.
import type { Store } from './store.ts';

/** A collaborator's permission, as GET …/collaborators/{user}/permission reports it. */
export type Permission = 'admin' | 'maintain' | 'write' | 'triage' | 'read' | 'none';

/** One annotation of a check run (what a failing test or linter points at). */
export interface AnnotationInput {
  path: string;
  startLine: number;
  endLine?: number;
  level: 'notice' | 'warning' | 'failure';
  message: string;
  title?: string;
}

export interface FeedbackData {
  /** "owner/repo" (lower case) → login (lower case) → permission. */
  permissions: Map<string, Map<string, Permission>>;
  /** Check-run id → its annotations. */
  annotations: Map<number, AnnotationInput[]>;
  /** Check-run id (= the Actions job id) → its log text. */
  logs: Map<number, string>;
}

const byStore = new WeakMap<Store, FeedbackData>();

export function feedbackData(store: Store): FeedbackData {
  let data = byStore.get(store);
  if (!data) {
    data = { permissions: new Map(), annotations: new Map(), logs: new Map() };
    byStore.set(store, data);
  }
  return data;
}

/** The repository's owner is admin; the token's owner can write; others are not collaborators unless set. */
export function permissionOf(store: Store, owner: string, repo: string, login: string, tokenOwner: string): Permission {
  const set = feedbackData(store).permissions.get(`${owner}/${repo}`.toLowerCase())?.get(login.toLowerCase());
  if (set) return set;
  if (login.toLowerCase() === owner.toLowerCase()) return 'admin';
  return login.toLowerCase() === tokenOwner.toLowerCase() ? 'write' : 'none';
}
