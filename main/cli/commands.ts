import type { CommandSpec } from './args.js';
import { bookCommand } from './book.js';
import { convertCommand } from './convert.js';
import { recordCommand } from './record.js';
import { simCommand } from './sim.js';
import { benchCommand } from './bench.js';
import { featuresCommand } from './features.js';
import { headlessCommand } from './headless.js';
import { replayCommand } from './replay.js';
import { trainModelCommand } from './train-model.js';

/**
 * Every `lockstep` command, one import each. A command module exports a `CommandSpec`
 * (name, help, options, run) and does its work in its own file.
 */
export const COMMANDS: readonly CommandSpec[] = [
  bookCommand,
  convertCommand,
  recordCommand,
  simCommand,
  benchCommand,
  featuresCommand,
  headlessCommand,
  replayCommand,
  trainModelCommand,
];
