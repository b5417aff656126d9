// The configuration source every command reads: DIRECTOR_CONFIG's file and the environment, with the
// file's keys checked against every variable the bot and the runner read.
import { botVariableNames } from '../bot/config.ts';
import { runnerVariableNames } from '../runner/config.ts';
import { readConfigSource, type ConfigSource } from '../shared/config/source.ts';

export function readSource(env: NodeJS.ProcessEnv): ConfigSource {
  return readConfigSource({ env, known: [...new Set([...botVariableNames, ...runnerVariableNames, 'DIRECTOR_CONFIG'])] });
}
