// Who a request is: GitHub takes "token <t>", "Bearer <t>", or Basic auth with the token as password.

/** The caller as far as authentication goes. */
export type Caller = { kind: 'anonymous' } | { kind: 'valid' } | { kind: 'invalid' };

/** Credentials carried by an Authorization header, before checking them. */
export type Presented = { kind: 'none' } | { kind: 'token'; token: string } | { kind: 'basic'; user: string; password: string };

export function presented(header: string | undefined): Presented {
  if (header === undefined || header.trim() === '') return { kind: 'none' };
  const match = /^(\S+)\s+(.+)$/.exec(header.trim());
  if (!match?.[1] || match[2] === undefined) return { kind: 'token', token: '' };
  const scheme = match[1].toLowerCase();
  const value = match[2].trim();
  if (scheme === 'token' || scheme === 'bearer') return { kind: 'token', token: value };
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { kind: 'basic', user: decoded, password: '' };
    return { kind: 'basic', user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  return { kind: 'token', token: '' };
}

/** Checks presented credentials against the one valid token. */
export function authenticate(header: string | undefined, token: string): Caller {
  const creds = presented(header);
  if (creds.kind === 'none') return { kind: 'anonymous' };
  if (creds.kind === 'token') return creds.token === token ? { kind: 'valid' } : { kind: 'invalid' };
  // Git over HTTPS: any username with the token as password ("x-access-token:<t>"), or the token as username.
  const good = creds.password === token || (creds.user === token && (creds.password === '' || creds.password === 'x-oauth-basic'));
  return good ? { kind: 'valid' } : { kind: 'invalid' };
}
