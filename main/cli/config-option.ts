import { readFileSync } from 'node:fs';
import { defaultConfig, type Config } from '../../shared/config.js';
import { parseConfigToml } from '../../shared/config-toml.js';

/**
 * `--config FILE` for commands that only read a configuration (replay, features): the
 * file validated as the engine validates it, or the defaults when no file is given. A
 * bad value stops the command with the key and its allowed range.
 */
export function readConfigOption(path: string | undefined): Config {
  if (path === undefined) return defaultConfig();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(
      `cannot read the config file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
    );
  }
  try {
    return parseConfigToml(text);
  } catch (error) {
    throw new Error(`${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
