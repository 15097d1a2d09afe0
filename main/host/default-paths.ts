import os from 'node:os';
import path from 'node:path';

/**
 * Where the headless host keeps its data and config when not told: LOCKSTEP_DATA_DIR, or
 * ~/.lockstep. The config file defaults to lockstep.toml inside it, next to the database.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOCKSTEP_DATA_DIR && env.LOCKSTEP_DATA_DIR.trim() !== ''
    ? path.resolve(env.LOCKSTEP_DATA_DIR)
    : path.join(os.homedir(), '.lockstep');
}

export const CONFIG_FILE_NAME = 'lockstep.toml';
