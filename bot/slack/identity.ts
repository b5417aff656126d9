import { z } from 'zod';
import { DirectorError } from '../../shared/errors.ts';
import { SlackCallError } from './web-api-port.ts';

/** Who the bot is in its workspace, from auth.test. */
export interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId: string;
}

const authTestSchema = z.object({ user_id: z.string(), bot_id: z.string(), team_id: z.string() });

const refusedHints: Record<string, string> = {
  invalid_auth: 'copy the Bot User OAuth Token (xoxb-) again from OAuth & Permissions in your app settings',
  not_authed: 'set SLACK_BOT_TOKEN to the Bot User OAuth Token (xoxb-) from OAuth & Permissions',
  token_revoked: 'the app was uninstalled or the token revoked: reinstall the app and copy the new Bot User OAuth Token',
  account_inactive: 'the app was uninstalled or the token revoked: reinstall the app and copy the new Bot User OAuth Token',
};

/**
 * Checks the bot token once at start (auth.test), so a wrong token stops the bot with a clear
 * message instead of failing on the first command.
 */
export async function verifyBotToken(authTest: () => Promise<unknown>, apiUrl: string): Promise<BotIdentity> {
  let result: unknown;
  try {
    result = await authTest();
  } catch (error) {
    if (error instanceof SlackCallError && error.failure.kind === 'refused') {
      const hint = refusedHints[error.failure.error] ?? 'check SLACK_BOT_TOKEN and the app installation';
      throw new DirectorError('config_invalid', `SLACK_BOT_TOKEN was refused by Slack (${error.failure.error}): ${hint}.`, { cause: error });
    }
    throw new DirectorError('slack_api_error', `cannot reach Slack's Web API at ${apiUrl}: check the network, or SLACK_API_URL if you set it.`, {
      cause: error,
    });
  }
  const parsed = authTestSchema.parse(result);
  return { botUserId: parsed.user_id, botId: parsed.bot_id, teamId: parsed.team_id };
}

/**
 * Checks the app-level token once at start (apps.connections.open, as Socket Mode does), so a
 * refused one stops the bot naming SLACK_APP_TOKEN instead of leaving it running unconnected.
 */
export async function verifyAppToken(open: () => Promise<unknown>, apiUrl: string): Promise<void> {
  try {
    await open();
  } catch (error) {
    if (error instanceof SlackCallError && error.failure.kind === 'refused')
      throw new DirectorError(
        'config_invalid',
        `SLACK_APP_TOKEN was refused by Slack (${error.failure.error}): create an app-level token with the connections:write scope under Basic Information → App-Level Tokens and set SLACK_APP_TOKEN to it, or unset it to use HTTP mode.`,
        { cause: error },
      );
    throw new DirectorError('slack_api_error', `cannot reach Slack's Web API at ${apiUrl}: check the network, or SLACK_API_URL if you set it.`, {
      cause: error,
    });
  }
}
