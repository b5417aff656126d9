import { z } from 'zod';
import { DirectorError } from '../shared/errors.ts';

const refusalSchema = z.object({ message: z.string() });
const successSchema = z.object({ ok: z.literal(true), token: z.string().min(1), runner: z.string() });

export interface PairOptions {
  botUrl: string;
  code: string;
  name: string;
  fetch?: typeof fetch;
}

/** Exchanges a pairing code for a runner token at the bot's `/runner/pair`. */
export async function pairWithBot({ botUrl, code, name, fetch: fetchFn = fetch }: PairOptions): Promise<{ token: string; name: string }> {
  const url = new URL('runner/pair', botUrl.endsWith('/') ? botUrl : `${botUrl}/`);
  let res: Response;
  try {
    res = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code, name }) });
  } catch (cause) {
    throw new DirectorError('pairing_refused', `cannot reach the bot at ${botUrl}: check --url (the address /director connect showed) and your network.`, {
      cause,
    });
  }
  const body: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const refusal = refusalSchema.safeParse(body);
    throw new DirectorError('pairing_refused', `pairing refused (HTTP ${res.status}): ${refusal.success ? refusal.data.message : 'the bot gave no reason'}`);
  }
  const success = successSchema.safeParse(body);
  if (!success.success) throw new DirectorError('pairing_refused', `the bot at ${botUrl} answered something that is not a pairing: is --url the Director bot?`);
  return { token: success.data.token, name: success.data.runner };
}
