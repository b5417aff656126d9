import { describe, expect, it } from 'vitest';
import { parseBotConfig } from '../../bot/config.ts';
import { readConfigSource } from '../../shared/config/source.ts';
import { DirectorError } from '../../shared/errors.ts';

const botToken = 'xoxb-111-222-secretvalue';
const appToken = 'xapp-1-A1-333-appsecret';

function problem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DirectorError);
    return (error as DirectorError).message;
  }
  throw new Error('expected a configuration error');
}

describe('bot configuration', () => {
  it('chooses Socket Mode when an app token is set, with defaults for the rest', () => {
    const config = parseBotConfig({ SLACK_BOT_TOKEN: botToken, SLACK_APP_TOKEN: appToken }, '/home/ada');
    expect(config.slack.connection).toEqual({ mode: 'socket', appToken });
    expect(config.port).toBe(3000);
    expect(config.home).toBe('/home/ada/.config/director');
    expect(config.slack.apiUrl).toBe('https://slack.com/api/');
  });

  it('chooses HTTP mode with a signing secret and normalises the API URL', () => {
    const config = parseBotConfig(
      { SLACK_BOT_TOKEN: botToken, SLACK_SIGNING_SECRET: 'abcdef0123456789', PORT: '8080', SLACK_API_URL: 'http://127.0.0.1:9/api' },
      '/home/ada',
    );
    expect(config.slack.connection).toEqual({ mode: 'http', signingSecret: 'abcdef0123456789' });
    expect(config.port).toBe(8080);
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9/api/');
  });

  it('names a missing bot token and where to find it', () => {
    const message = problem(() => parseBotConfig({ SLACK_APP_TOKEN: appToken }));
    expect(message).toContain('SLACK_BOT_TOKEN is missing');
    expect(message).toContain('OAuth & Permissions');
  });

  it('says HTTP mode needs the signing secret, or Socket Mode an app token', () => {
    const message = problem(() => parseBotConfig({ SLACK_BOT_TOKEN: botToken }));
    expect(message).toContain('SLACK_SIGNING_SECRET is missing');
    expect(message).toContain('SLACK_APP_TOKEN');
  });

  it('reports every bad variable at once and never echoes a secret', () => {
    const message = problem(() => parseBotConfig({ SLACK_BOT_TOKEN: 'xoxp-user-token-oops', SLACK_APP_TOKEN: 'xoxb-wrong-kind', PORT: 'eighty' }));
    expect(message).toContain('3 configuration problems');
    expect(message).toContain('SLACK_BOT_TOKEN is not valid');
    expect(message).toContain('connections:write');
    expect(message).toContain('PORT is not valid ("eighty")');
    expect(message).not.toContain('xoxp-user-token-oops');
    expect(message).not.toContain('xoxb-wrong-kind');
  });
});

describe('configuration sources', () => {
  it('reads the DIRECTOR_CONFIG file and lets the environment win', () => {
    const files: Record<string, string> = { '/etc/director.json': JSON.stringify({ PORT: 4000, LOG_LEVEL: 'debug' }) };
    const source = readConfigSource({
      env: { DIRECTOR_CONFIG: '/etc/director.json', LOG_LEVEL: 'warn', EMPTY: '' },
      readFile: (path) => files[path] ?? '',
    });
    expect(source).toMatchObject({ PORT: 4000, LOG_LEVEL: 'warn' });
    expect(source).not.toHaveProperty('EMPTY');
  });

  it('explains a config file that cannot be read or is not a JSON object', () => {
    const missing = problem(() =>
      readConfigSource({
        env: { DIRECTOR_CONFIG: '/nope.json' },
        readFile: () => {
          throw new Error('ENOENT');
        },
      }),
    );
    expect(missing).toContain('DIRECTOR_CONFIG points at /nope.json');
    const notJson = problem(() => readConfigSource({ env: { DIRECTOR_CONFIG: '/x.json' }, readFile: () => '{port:' }));
    expect(notJson).toContain('is not valid JSON');
    const array = problem(() => readConfigSource({ env: { DIRECTOR_CONFIG: '/x.json' }, readFile: () => '[1]' }));
    expect(array).toContain('one JSON object');
  });
});
