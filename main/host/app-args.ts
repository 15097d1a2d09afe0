/**
 * The desktop app's own command-line switches, picked out of an argv that also holds
 * Electron's and Chromium's (which are left alone): `--sim`, `--config FILE`,
 * `--data-dir DIR` (also `--name=value`), and `--self-test` (load the window, check the
 * preload API and the engine, print one line and quit — for packaging checks).
 */
export interface AppArgs {
  readonly sim: boolean;
  readonly selfTest: boolean;
  readonly configPath: string | null;
  readonly dataDir: string | null;
}

export function parseAppArgs(argv: readonly string[]): AppArgs {
  const valueOf = (name: string): string | null => {
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === `--${name}`) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) throw new Error(`--${name} needs a value`);
        return next;
      }
      if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
    }
    return null;
  };
  return {
    sim: argv.includes('--sim'),
    selfTest: argv.includes('--self-test'),
    configPath: valueOf('config'),
    dataDir: valueOf('data-dir'),
  };
}
