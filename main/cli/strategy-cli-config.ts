import { readFileSync } from 'node:fs';
import type { Config } from '../../shared/config.js';
import { defaultConfigFilled, readConfigText } from '../host/config-store.js';

/**
 * The configuration for the strategy's offline commands (`features`, `train-model`): the
 * documented defaults, or a TOML file validated exactly as the app validates it. Errors
 * name the file, then the key and its allowed range.
 */
export function loadStrategyCommandConfig(path: string | undefined): Config {
  if (path === undefined) return defaultConfigFilled();
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      code === 'ENOENT'
        ? `the config file ${path} does not exist`
        : `cannot read ${path}: ${(error as Error).message}`,
    );
  }
  try {
    return readConfigText(text);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}
