// Conditional requests: every GET 200 carries an ETag; a GET with a matching If-None-Match gets
// 304 with no body and, as on GitHub, is not counted against the rate limit.
import { createHash } from 'node:crypto';
import type { Reply } from './reply.ts';

/** A weak ETag over what the client would see: the body and the pagination links. */
export function etagOf(reply: Reply): string {
  const hash = createHash('sha1')
    .update(JSON.stringify(reply.body ?? null))
    .update('\0')
    .update(reply.headers?.link ?? '')
    .digest('hex');
  return `W/"${hash}"`;
}

/** Whether an If-None-Match header (a list, or *) names this ETag; weak and strong forms compare equal. */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/**
 * The reply a GET gets: 304 when the client's ETag still matches (not counted), else the reply
 * with its ETag (counted by `count`, which throws when the limit is exhausted).
 */
export function conditionalReply(method: string, ifNoneMatch: string | undefined, reply: Reply, count: () => void): Reply {
  if (method !== 'GET' || reply.status !== 200) {
    if (ifNoneMatch !== undefined) count();
    return reply;
  }
  const etag = etagOf(reply);
  if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, etag)) return { status: 304, headers: { etag } };
  if (ifNoneMatch !== undefined) count();
  return { ...reply, headers: { ...reply.headers, etag } };
}
