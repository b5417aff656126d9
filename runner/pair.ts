import { z } from 'zod';
import { DirectorError, describeError } from '../shared/errors.ts';

const refusalSchema = z.object({ message: z.string() });
const successSchema = z.object({ ok: z.literal(true), token: z.string().min(1), runner: z.string() });

export interface PairOptions {
  botUrl: string;
  code: string;
  name: string;
  fetch?: typeof fetch;
  /** How long to wait for the bot's answer (default 15 s). */
  timeoutMs?: number;
}

/** The network error's code (ECONNREFUSED, ENOTFOUND, …), if there is one. */
export function networkErrorCode(error: unknown): string | undefined {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string') return e.code;
  }
  return undefined;
}

/** Exchanges a pairing code for a runner token at the bot's `/runner/pair`. */
export async function pairWithBot({ botUrl, code, name, fetch: fetchFn = fetch, timeoutMs = 15_000 }: PairOptions): Promise<{ token: string; name: string }> {
  const url = new URL('runner/pair', botUrl.endsWith('/') ? botUrl : `${botUrl}/`);
  const signal = AbortSignal.timeout(timeoutMs);
  const seconds = Math.round(timeoutMs / 100) / 10;
  let res: Response;
  let body: unknown;
  try {
    res = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }), signal });
    body = await res.json().catch(() => undefined);
  } catch (cause) {
    if (signal.aborted)
      throw new DirectorError(
        'pairing_refused',
        `the bot at ${botUrl} did not answer within ${seconds} s: check --url (the address /director connect showed) and that the bot is up.`,
        { cause },
      );
    const why = networkErrorCode(cause) ?? describeError(cause);
    throw new DirectorError(
      'pairing_refused',
      `cannot reach the bot at ${botUrl} (${why}): check --url (the address /director connect showed) and your network.`,
      {
        cause,
      },
    );
  }
  if (!res.ok) {
    const refusal = refusalSchema.safeParse(body);
    throw new DirectorError('pairing_refused', `pairing refused (HTTP ${res.status}): ${refusal.success ? refusal.data.message : 'the bot gave no reason'}`);
  }
  const success = successSchema.safeParse(body);
  if (!success.success) throw new DirectorError('pairing_refused', `the bot at ${botUrl} answered something that is not a pairing: is --url the Director bot?`);
  return { token: success.data.token, name: success.data.runner };
}
