/**
 * Whose words reach an agent: people with write access to the repository (GitHub's collaborator
 * permission) and the review bots in the runner's config. Everything else is ignored. Answers are
 * cached for a while, so a busy PR does not ask GitHub about the same person on every poll.
 */
import type { Octokit } from '@octokit/rest';
import type { Clock } from '../../shared/clock.ts';
import { repoParts } from '../github/issues.ts';
import { permissionSchema } from './items.ts';

const WRITE = new Set(['admin', 'maintain', 'write']);
const CACHE_MS = 10 * 60_000;

export class Trust {
  private readonly cache = new Map<string, { trusted: boolean; at: number }>();
  private self: Promise<string> | undefined;

  constructor(
    private readonly octokit: Octokit,
    private readonly clock: Clock,
    /** Logins of review bots whose comments count, e.g. `cursor[bot]`. */
    private readonly reviewBots: readonly string[],
  ) {}

  /**
   * The runner's own login: its replies ("Addressed in …") are never feedback. A GitHub App's
   * installation token cannot read /user; its replies come from a `[bot]` login, which counts
   * only when configured, so an unknown login is safe.
   */
  login(): Promise<string> {
    this.self ??= this.octokit.rest.users.getAuthenticated().then(
      ({ data }) => data.login,
      () => '',
    );
    return this.self;
  }

  async trusted(repo: string, login: string): Promise<boolean> {
    if (this.reviewBots.some((bot) => bot.toLowerCase() === login.toLowerCase())) return true;
    if (login.endsWith('[bot]')) return false;
    const key = `${repo}\0${login.toLowerCase()}`;
    const cached = this.cache.get(key);
    if (cached && this.clock.now() - cached.at < CACHE_MS) return cached.trusted;
    let trusted = false;
    try {
      const { data } = await this.octokit.rest.repos.getCollaboratorPermissionLevel({ ...repoParts(repo), username: login });
      const parsed = permissionSchema.parse(data);
      trusted = WRITE.has(parsed.role_name ?? parsed.permission);
    } catch {
      // Not a collaborator (404), or GitHub would not say: not trusted.
    }
    this.cache.set(key, { trusted, at: this.clock.now() });
    return trusted;
  }
}
