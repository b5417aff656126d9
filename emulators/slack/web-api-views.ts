// views.open: a modal opened with a fresh trigger_id.
import { z } from 'zod';
import { checkHomeView, checkView } from './blocks.ts';
import { slackId } from './ids.ts';
import { structured } from './params.ts';
import type { JsonObject } from './types.ts';
import { fail, ok, parseArgs } from './web-api-kit.ts';
import type { ApiDeps, ApiReply, MethodSpec } from './web-api-kit.ts';

const OpenArgs = z.object({ trigger_id: z.string().default(''), view: structured });

function open(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(OpenArgs, args);
  if (!parsed.ok) return parsed.reply;
  if (parsed.data.trigger_id === '') return fail('invalid_trigger_id');
  if (parsed.data.view === undefined || parsed.data.view === '') return fail('invalid_arguments');
  const view = checkView(parsed.data.view);
  if (!view.ok) return { status: 200, body: view.body };
  const trigger = deps.triggers.redeem(parsed.data.trigger_id);
  if (!trigger.ok) return fail(trigger.error);
  const id = slackId('V0', 9);
  const c = deps.config;
  const rendered = renderView(id, view.view, c, { clear_on_close: false, notify_on_close: false });
  deps.store.views.push({ id, user: trigger.user, view: rendered, at: c.now() });
  return ok({ view: rendered });
}

const PublishArgs = z.object({ user_id: z.string().default(''), view: structured, hash: z.string().optional() });

/** views.publish: replaces a person's App Home (the latest publish wins). */
function publish(args: JsonObject, deps: ApiDeps): ApiReply {
  const parsed = parseArgs(PublishArgs, args);
  if (!parsed.ok) return parsed.reply;
  if (!deps.store.users.has(parsed.data.user_id)) return fail('user_not_found');
  if (parsed.data.view === undefined || parsed.data.view === '') return fail('invalid_arguments');
  const view = checkHomeView(parsed.data.view);
  if (!view.ok) return { status: 200, body: view.body };
  const c = deps.config;
  const previous = deps.store.homes.get(parsed.data.user_id);
  const id = previous?.id ?? slackId('V0', 9);
  const rendered = renderView(id, view.view, c);
  deps.store.homes.set(parsed.data.user_id, { id, user: parsed.data.user_id, view: rendered, at: c.now() });
  return ok({ view: rendered });
}

/** views.* handlers by method name. */
export const viewMethods: Record<string, MethodSpec> = {
  'views.open': { token: 'bot', handle: open },
  'views.publish': { token: 'bot', handle: publish },
};

/** A view as Slack answers it (views.open, views.publish): the app's blocks with Slack's own fields around them. */
function renderView(id: string, view: JsonObject, c: ApiDeps['config'], extra: JsonObject = {}): JsonObject {
  return {
    id,
    team_id: c.teamId,
    callback_id: '',
    private_metadata: '',
    external_id: '',
    ...view,
    state: { values: {} },
    hash: `${Math.floor(c.now() / 1000)}.${slackId('', 8)}`,
    ...extra,
    root_view_id: id,
    previous_view_id: null,
    app_id: c.appId,
    app_installed_team_id: c.teamId,
    bot_id: c.botId,
  };
}
