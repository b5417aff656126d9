import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

// The parts of Slack's app manifest schema Director depends on.
const manifestSchema = z.strictObject({
  display_information: z.object({ name: z.string().min(1).max(35), description: z.string().max(140).optional() }).loose(),
  features: z.strictObject({
    bot_user: z.strictObject({ display_name: z.string().regex(/^[a-z0-9._-]{1,80}$/), always_online: z.boolean() }),
    slash_commands: z.array(
      z.strictObject({
        command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/),
        description: z.string().min(1).max(2000),
        usage_hint: z.string().max(1000).optional(),
        should_escape: z.boolean(),
        url: z.url().optional(),
      }),
    ),
  }),
  oauth_config: z.strictObject({ scopes: z.strictObject({ bot: z.array(z.string()) }) }),
  settings: z.strictObject({
    event_subscriptions: z.strictObject({ bot_events: z.array(z.string()), request_url: z.url().optional() }),
    interactivity: z.strictObject({ is_enabled: z.boolean(), request_url: z.url().optional() }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});

// Which scope each subscribed bot event needs (Slack rejects a manifest that lacks one).
const eventScopes: Record<string, string> = {
  app_mention: 'app_mentions:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
  'message.mpim': 'mpim:history',
};

describe('manifest.yml', () => {
  const manifest = manifestSchema.parse(parse(readFileSync(new URL('../manifest.yml', import.meta.url), 'utf8')));

  it('declares /director, interactivity and Socket Mode', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual(['/director']);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('has the scope of every event it subscribes to, and no scope it does not use', () => {
    const scopes = manifest.oauth_config.scopes.bot;
    for (const event of manifest.settings.event_subscriptions.bot_events) expect(scopes).toContain(eventScopes[event]);
    expect(manifest.settings.event_subscriptions.bot_events).toEqual(expect.arrayContaining(['app_mention', 'message.channels']));
    expect([...scopes].sort()).toEqual(
      ['app_mentions:read', 'channels:history', 'chat:write', 'commands', 'files:write', 'groups:history', 'im:write', 'reactions:write'].sort(),
    );
  });
});
