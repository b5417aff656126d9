import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/log.ts';
import { readBody, refuseAfterBody } from '../http/body.ts';
import { Gate } from '../http/gate.ts';
import type { HttpLimits } from '../http/limits.ts';
import { busy, type Refusal } from '../http/reply.ts';
import { checkSlackSignature } from './signature.ts';

export interface SlackEventsRouteOptions {
  signingSecret: string;
  /** Bolt's HTTPReceiver listener: reached only by signed, fresh POSTs whose body is already read. */
  bolt: RequestListener;
  limits: Pick<HttpLimits, 'slackBodyBytes' | 'drainBytes' | 'bodyDeadlineMs' | 'unverifiedSlackRequests'>;
  clock: Clock;
  log: Logger;
}

const notPost: Refusal = {
  status: 405,
  error: 'method_not_allowed',
  message: 'Slack POSTs signed events to /slack/events; nothing else is served here',
  headers: { allow: 'POST' },
};

/** Slack's `ssl_check=1` probe (form-encoded, unsigned): answered 200 and never dispatched, as Bolt does. */
function isSslCheck(req: IncomingMessage, body: Buffer): boolean {
  return req.headers['content-type'] === 'application/x-www-form-urlencoded' && new URLSearchParams(body.toString('latin1')).get('ssl_check') === '1';
}

/**
 * `/slack/events` in HTTP mode: only POST, a bounded body, a bounded number of requests whose
 * signature is not yet known, and the signature and timestamp checked here before Bolt sees
 * anything. Bolt then takes the buffered body as `rawBody` (its `bufferIncomingMessage` reuses
 * it), so it never reads a stranger's stream itself.
 */
export function slackEventsRoute({ signingSecret, bolt, limits, clock, log }: SlackEventsRouteOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const gate = new Gate(limits.unverifiedSlackRequests);
  const bodyLimits = { maxBytes: limits.slackBodyBytes, drainBytes: limits.drainBytes, deadlineMs: limits.bodyDeadlineMs };

  const admit = async (req: IncomingMessage): Promise<Buffer | 'ssl_check' | Refusal> => {
    const read = await readBody(req, bodyLimits);
    if (!read.ok) return read.refusal;
    if (isSslCheck(req, read.body)) return 'ssl_check';
    const check = checkSlackSignature(signingSecret, req.headers, read.body, clock.now());
    if (check.ok) return read.body;
    log.warn(
      { reason: check.reason },
      'refused a request to /slack/events: if it came from Slack, check that SLACK_SIGNING_SECRET is the app’s Signing Secret and the clock is right',
    );
    return { status: 401, error: 'invalid_signature', message: `the Slack request signature is not valid (${check.reason})` };
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') return refuseAfterBody(req, res, notPost, bodyLimits);
    const release = gate.enter();
    if (!release) return refuseAfterBody(req, res, busy('unverified Slack requests'), bodyLimits);
    let admitted: Awaited<ReturnType<typeof admit>>;
    try {
      admitted = await admit(req);
    } finally {
      release();
    }
    if (admitted === 'ssl_check') {
      res.writeHead(200).end();
    } else if (Buffer.isBuffer(admitted)) {
      Object.assign(req, { rawBody: admitted });
      bolt(req, res);
    } else {
      if (admitted.status !== 401) log.debug({ status: admitted.status, error: admitted.error }, 'refused a request to /slack/events');
      await refuseAfterBody(req, res, admitted, bodyLimits);
    }
  };

  return (req, res) => {
    dispatch(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'a request to /slack/events failed before reaching Bolt');
      void refuseAfterBody(req, res, { status: 500, error: 'internal', message: 'the bot could not handle this request; see its log' }, bodyLimits);
    });
  };
}
