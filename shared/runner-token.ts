/** Runner tokens look like `drt_<runner id>_<secret>`: the id finds the runner, the secret proves it. */
const TOKEN = /^drt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export function splitRunnerToken(token: string): { id: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : undefined;
}
