import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { Logger } from '../../shared/log.ts';
import { runnerNameSchema } from '../../shared/protocol.ts';
import { readBody, refuseAfterBody } from '../http/body.ts';
import { Gate } from '../http/gate.ts';
import type { HttpLimits } from '../http/limits.ts';
import { answerJson, busy, refuse } from '../http/reply.ts';
import { sourceOf } from '../http/source.ts';
import type { Pairing } from './pairing.ts';

/** What `director runner pair` posts to `/runner/pair`. */
export const pairRequestSchema = z.object({ code: z.string().min(1).max(64), name: runnerNameSchema });
/** What the bot answers to a successful pairing. */
export const pairResponseSchema = z.object({ ok: z.literal(true), token: z.string(), runner: z.string() });

/** `POST /runner/pair`: exchanges a one-time code for a runner token. */
export function pairRoute(pairing: Pairing, log: Logger, limits: Pick<HttpLimits, 'pairBodyBytes' | 'drainBytes' | 'bodyDeadlineMs' | 'concurrentPairings'>) {
  const gate = new Gate(limits.concurrentPairings);
  const bodyLimits = { maxBytes: limits.pairBodyBytes, drainBytes: limits.drainBytes, deadlineMs: limits.bodyDeadlineMs };
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const read = await readBody(req, bodyLimits);
    if (!read.ok) return refuseAfterBody(req, res, read.refusal, bodyLimits);
    let body: unknown;
    try {
      body = JSON.parse(read.body.toString('utf8'));
    } catch {
      return refuse(res, { status: 400, error: 'bad_request', message: 'send JSON: {"code": "XXXX-XXXX", "name": "<runner name>"}' });
    }
    const request = pairRequestSchema.safeParse(body);
    if (!request.success) {
      const problem = request.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
      return refuse(res, { status: 400, error: 'bad_request', message: `invalid pairing request (${problem})` });
    }
    const source = sourceOf(req.socket.remoteAddress);
    const result = pairing.exchange(request.data.code, request.data.name, source);
    if (!result.ok) {
      log.warn({ error: result.error, name: request.data.name, source }, 'pairing refused');
      return refuse(res, result.status === 429 ? { ...result, headers: { 'retry-after': '60' } } : result);
    }
    log.info({ runner: result.runner.name }, 'runner paired');
    answerJson(res, 200, { ok: true, token: result.token, runner: result.runner.name });
  };
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      const notPost = { status: 405, error: 'method_not_allowed', message: 'POST {"code","name"} to pair a runner', headers: { allow: 'POST' } };
      return refuseAfterBody(req, res, notPost, bodyLimits);
    }
    const release = gate.enter();
    if (!release) return refuseAfterBody(req, res, busy('pairing requests'), bodyLimits);
    try {
      await handle(req, res);
    } finally {
      release();
    }
  };
}
