/**
 * The URL a push or fetch is about to contact, checked against the configured GitHub: same
 * origin, no credentials in it, http only for a loopback host (the emulator).
 */
export function checkedRemoteUrl(url: string, allowedOrigin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new Error(`refusing to push to "${url}": not a URL; check github.url in the runner's config`, { cause });
  }
  const allowed = new URL(allowedOrigin);
  if (parsed.origin !== allowed.origin) throw new Error(`refusing to push to ${parsed.origin}: the runner only pushes to ${allowed.origin} (github.url)`);
  if (parsed.username || parsed.password) throw new Error('refusing to push to a URL with credentials in it: the token travels in a header');
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'https:' && !(parsed.protocol === 'http:' && loopback)) {
    throw new Error(`refusing to push over ${parsed.protocol}: only https (or http to a loopback emulator)`);
  }
  return parsed.href;
}
