import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parse } from 'smol-toml';
import { ConfigError, validateConfig, type Config } from '../../shared/config.js';
import { configToToml, parseConfigToml } from '../../shared/config-toml.js';

/**
 * The TOML configuration file (DESIGN.md §6): read at start, and rewritten when the trader
 * edits parameters live, so a restart keeps the edits. Only the live-editable tables
 * (`[strategy.params]`, `[strategy.risk_limits]`) are taken from the engine's copy: the
 * rest of what the engine runs with may carry run-only overrides (the simulator's
 * ephemeral URL under `--sim`, the resolved database path) that must not leak into the
 * trader's file. Comments in the file are not preserved by a rewrite. Edits arriving
 * within `coalesceMs` of each other are saved by one rewrite.
 */

const SECTIONS = ['market', 'strategy', 'execution', 'engine', 'persistence', 'metrics'] as const;

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Gives every absent table an empty one. WHY: the shared schema's `.default({})` on a table
 * does not run the defaults of the fields inside it (zod 4 returns the default as is), so
 * a file without e.g. `[strategy]` would otherwise crash validation instead of using the
 * documented defaults. An empty table is then filled field by field.
 */
function withTables(raw: unknown): unknown {
  if (!isPlainObject(raw)) return raw;
  const filled: Record<string, unknown> = { ...raw };
  for (const section of SECTIONS) if (filled[section] === undefined) filled[section] = {};
  if (isPlainObject(filled.strategy)) {
    const strategy = { ...filled.strategy };
    if (strategy.params === undefined) strategy.params = {};
    if (strategy.risk_limits === undefined) strategy.risk_limits = {};
    filled.strategy = strategy;
  }
  return filled;
}

/** Reads TOML text into a validated Config; errors name the key and range, or the line and column. */
export function readConfigText(text: string): Config {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch {
    // The shared reader words syntax errors (line, column) the same way everywhere.
    return parseConfigToml(text);
  }
  return validateConfig(withTables(raw));
}

/** The documented defaults, every field present. */
export function defaultConfigFilled(): Config {
  return validateConfig(withTables({}));
}

/** `persistence.path` as the engine should open it: a relative path is under the data dir. */
export function resolvePersistencePath(config: Config, dataDir: string): string {
  return path.resolve(dataDir, config.persistence.path);
}

export interface ConfigStore {
  readonly path: string;
  /** Reads the file (a missing file gives the defaults; nothing is written until a save). */
  load(): Promise<Config>;
  /** The configuration as the file holds it (after the last load or save). */
  current(): Config;
  /** Persists a validated live edit from the engine; resolves once it is on disk. */
  persistLiveEdit(engineConfig: Config): Promise<void>;
  /** Resolves when every save asked for so far is on disk (writing a waiting one now). */
  flush(): Promise<void>;
  /** Times the file was rewritten by this store. */
  readonly writes: number;
}

export interface ConfigStoreOptions {
  /**
   * Live edits within this window are written as one rewrite of the file (the newest
   * values), so a burst of edits does not rewrite it once per edit; default 250 ms.
   */
  readonly coalesceMs?: number;
}

let tempCounter = 0;

/** Writes `text` to `file` so a crash leaves either the old or the new file, never half. */
async function writeFileAtomic(file: string, text: string): Promise<void> {
  const dir = path.dirname(file);
  await fs.mkdir(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${tempCounter++}.tmp`);
  const handle = await fs.open(temp, 'w', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

export function createConfigStore(file: string, options: ConfigStoreOptions = {}): ConfigStore {
  const absolute = path.resolve(file);
  const coalesceMs = options.coalesceMs ?? 250;
  let config: Config = defaultConfigFilled();
  let pending: Config | null = null;
  let writing: Promise<void> = Promise.resolve();
  let writes = 0;
  /** The coalescing window that is open, and how to end it early. */
  let window: { timer: ReturnType<typeof setTimeout>; close: () => void } | null = null;

  const describe = (error: unknown): never => {
    if (error instanceof ConfigError) {
      throw new ConfigError(error.problems.map((problem) => `${absolute}: ${problem}`));
    }
    throw error;
  };

  // Saves run one after another; a burst of edits writes only the newest.
  const drain = async (): Promise<void> => {
    while (pending !== null) {
      const next = pending;
      pending = null;
      await writeFileAtomic(absolute, configToToml(next));
      writes++;
    }
  };

  /** Waits out the coalescing window (or until flush ends it), then writes the newest. */
  const scheduleWrite = (): Promise<void> => {
    if (window === null) {
      const opened = new Promise<void>((resolve) => {
        const close = (): void => {
          clearTimeout(timer);
          window = null;
          resolve();
        };
        const timer = setTimeout(close, coalesceMs);
        window = { timer, close };
      });
      writing = Promise.all([writing.catch(() => undefined), opened]).then(drain);
    }
    return writing;
  };

  return {
    path: absolute,

    async load() {
      let text: string;
      try {
        text = await fs.readFile(absolute, 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          config = defaultConfigFilled();
          return config;
        }
        throw new Error(`cannot read the config file ${absolute}: ${(error as Error).message}`);
      }
      try {
        config = readConfigText(text);
      } catch (error) {
        describe(error);
      }
      return config;
    },

    current: () => config,

    persistLiveEdit(engineConfig) {
      let next: Config;
      try {
        next = validateConfig(
          withTables({
            ...config,
            strategy: {
              ...config.strategy,
              params: engineConfig.strategy.params,
              risk_limits: engineConfig.strategy.risk_limits,
            },
          }),
        );
      } catch (error) {
        // The engine validated the edit already; a config that fails here is refused
        // rather than written, so the file never holds what the reader would reject.
        return Promise.reject(
          error instanceof ConfigError
            ? new ConfigError(['live edit not saved', ...error.problems])
            : error,
        );
      }
      config = next;
      pending = next;
      return scheduleWrite();
    },

    flush: () => {
      window?.close();
      return writing.then(
        () => undefined,
        () => undefined,
      );
    },

    get writes() {
      return writes;
    },
  };
}
