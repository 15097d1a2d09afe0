import { existsSync } from 'node:fs';
import path from 'node:path';
import { booleanOption, numberOption, stringOption, UsageError, type CommandSpec } from './args.js';
import { createConfigStore } from '../host/config-store.js';
import { CONFIG_FILE_NAME, defaultDataDir } from '../host/default-paths.js';
import { startHeadlessServer, type HeadlessServer } from '../host/headless-server.js';
import { createHost, type Host } from '../host/host.js';
import { createHostLogger } from '../host/logger.js';
import { forkNodeEngine } from '../host/node-fork.js';
import { ENGINE_NODE_FLAGS } from '../engine/process/engine-node-flags.js';
import {
  loadSimulator,
  pointAtSimulator,
  type RunningSimulator,
} from '../host/simulator-loader.js';

/**
 * `lockstep headless`: the engine and the window's UI on 127.0.0.1, without Electron.
 * Prints `Lockstep headless UI: http://127.0.0.1:<port>/?token=<token>` on stdout (logs go
 * to stderr) and runs until SIGINT/SIGTERM, then stops the server, the engine and the
 * simulator in that order, so no command arrives at an engine that is going away.
 */

const DEFAULT_ENGINE = path.join(__dirname, '..', 'engine', 'process', 'engine-main.js');
const UI_DIR = path.join(__dirname, '..', '..', 'ui');

function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      // A second signal while stopping means "now".
      process.once('SIGINT', () => process.exit(130));
      process.once('SIGTERM', () => process.exit(143));
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}

export const headlessCommand: CommandSpec = {
  name: 'headless',
  summary: 'run the engine and the web UI on 127.0.0.1; prints the URL with its access token',
  usage: 'headless [--config FILE] [--port 5173] [--data-dir DIR] [--sim]',
  options: [
    {
      name: 'config',
      kind: 'string',
      value: 'FILE',
      description: `config file (default DIR/${CONFIG_FILE_NAME}; created on the first live edit)`,
    },
    {
      name: 'port',
      kind: 'number',
      value: 'PORT',
      default: 5173,
      description: 'web UI port on 127.0.0.1 (0 picks a free one)',
    },
    {
      name: 'data-dir',
      kind: 'string',
      value: 'DIR',
      description: 'database and config folder (default $LOCKSTEP_DATA_DIR or ~/.lockstep)',
    },
    {
      name: 'sim',
      kind: 'boolean',
      description: 'also run the built-in exchange simulator and trade against it',
    },
    {
      name: 'engine',
      kind: 'string',
      value: 'FILE',
      description: 'engine module to run (default: the built engine; for development)',
    },
  ],

  async run(options) {
    const port = numberOption(options, 'port') ?? 5173;
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new UsageError(`headless: --port must be an integer from 0 to 65535, got ${port}`);
    }
    const dataDir = path.resolve(stringOption(options, 'data-dir') ?? defaultDataDir());
    const configPath = path.resolve(
      stringOption(options, 'config') ?? path.join(dataDir, CONFIG_FILE_NAME),
    );
    const enginePath = path.resolve(stringOption(options, 'engine') ?? DEFAULT_ENGINE);
    if (!existsSync(enginePath)) {
      throw new Error(`the engine is not built (${enginePath} is missing); run \`npm run build\``);
    }
    const logger = createHostLogger();

    // Read the config first: a bad file is reported before anything starts.
    const fileConfig = await createConfigStore(configPath).load();

    let simulator: RunningSimulator | null = null;
    let host: Host | null = null;
    let server: HeadlessServer | null = null;
    const stopAll = async (): Promise<void> => {
      await server?.close();
      await host?.stop();
      await simulator?.close();
    };

    try {
      if (booleanOption(options, 'sim')) {
        const startSimulator = await loadSimulator();
        simulator = await startSimulator({ port: 0, symbols: fileConfig.strategy.symbols });
        logger.info({ url: simulator.url, restUrl: simulator.restUrl }, 'simulator running');
      }
      const sim = simulator;
      host = createHost({
        fork: forkNodeEngine,
        enginePath,
        engineExecArgv: ENGINE_NODE_FLAGS,
        configPath,
        dataDir,
        logger,
        ...(sim ? { configOverrides: (config) => pointAtSimulator(config, sim) } : {}),
      });
      await host.start();
      server = await startHeadlessServer({ host, uiDir: UI_DIR, port, logger });
    } catch (error) {
      await stopAll().catch(() => undefined);
      throw error;
    }
    if (!existsSync(path.join(UI_DIR, 'index.html'))) {
      logger.warn(
        `the UI is not built (${UI_DIR}); the page will say so until \`npm run build\` is run`,
      );
    }
    console.log(`Lockstep headless UI: ${server.url}`);

    const signal = await waitForStopSignal();
    logger.info({ signal }, 'stopping');
    await stopAll();
    return 0;
  },
};
