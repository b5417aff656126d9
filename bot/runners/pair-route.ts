import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { runnerNameSchema } from '../../shared/protocol.ts';
import type { Pairing } from './pairing.ts';

const MAX_BODY_BYTES = 4096;

/** What `director runner pair` posts to `/runner/pair`. */
export const pairRequestSchema = z.object({ code: z.string().min(1).max(64), name: runnerNameSchema });
/** What the bot answers to a successful pairing. */
export const pairResponseSchema = z.object({ ok: z.literal(true), token: z.string(), runner: z.string() });

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** `POST /runner/pair`: exchanges a one-time code for a runner token. */
export function pairRoute(pairing: Pairing, log: Logger) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return json(res, 405, { ok: false, error: 'method_not_allowed', message: 'POST {"code","name"} to pair a runner' });
    const text = await readBody(req);
    if (text === undefined) return json(res, 413, { ok: false, error: 'too_large', message: 'the pairing request is too large' });
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return json(res, 400, { ok: false, error: 'bad_request', message: 'send JSON: {"code": "XXXX-XXXX", "name": "<runner name>"}' });
    }
    const request = pairRequestSchema.safeParse(body);
    if (!request.success) {
      const problem = request.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      return json(res, 400, { ok: false, error: 'bad_request', message: `invalid pairing request (${problem})` });
    }
    const result = pairing.exchange(request.data.code, request.data.name);
    if (!result.ok) {
      log.warn({ error: result.error, name: request.data.name }, 'pairing refused');
      return json(res, result.status, { ok: false, error: result.error, message: result.message });
    }
    log.info({ runner: result.runner.name }, 'runner paired');
    json(res, 200, { ok: true, token: result.token, runner: result.runner.name });
  };
}
