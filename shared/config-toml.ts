import { parse, stringify, TomlError } from 'smol-toml';
import { ConfigError, validateConfig, type Config } from './config.js';

/** Reads TOML text into a validated Config; a syntax error names the line and column. */
export function parseConfigToml(text: string): Config {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    if (error instanceof TomlError) {
      throw new ConfigError([
        `TOML syntax error at line ${error.line}, column ${error.column}: ${error.message.split('\n')[0]}`,
      ]);
    }
    throw error;
  }
  return validateConfig(raw);
}

/** Writes a Config back as TOML (used to persist live edits so a restart keeps them). */
export function configToToml(config: Config): string {
  return stringify(config as unknown as Record<string, unknown>) + '\n';
}
