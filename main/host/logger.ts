import { pino, type Logger } from 'pino';

/**
 * The host's logger. Output goes to stderr, never stdout: stdout belongs to the program's
 * own output (the headless URL line, `--json` results) and must stay machine-readable.
 */
export type HostLogger = Logger;

const LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LevelName = (typeof LEVELS)[number];

/** `LOG_LEVEL` when it names a pino level, else `info`; a typo is not silently fatal-only. */
function logLevelFromEnv(value: string | undefined): LevelName {
  const wanted = value?.trim().toLowerCase();
  return (LEVELS as readonly string[]).includes(wanted ?? '') ? (wanted as LevelName) : 'info';
}

export function createHostLogger(options: { level?: string; name?: string } = {}): HostLogger {
  return pino(
    {
      name: options.name ?? 'lockstep-host',
      level: logLevelFromEnv(options.level ?? process.env.LOG_LEVEL),
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
